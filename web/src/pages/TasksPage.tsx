/** /tasks 我的任务: the cases dispatched to the caller's unit (and below) — to accept, to handle, to redo. */
import type { TCaseSummary } from '../../../common/cases.ts';
import type { QuickAction } from '../components/cases/CaseList.tsx';
import { CaseQueue, type QueueTab } from '../components/cases/CaseQueue.tsx';

const TABS: QueueTab[] = [
  { key: 'all', label: '全部任务' },
  { key: 'accept', label: '待签收', status: ['dispatched'] },
  { key: 'handle', label: '处置中', status: ['in_progress'] },
  { key: 'returned', label: '返工', status: ['returned'] },
];

function actionsFor(c: TCaseSummary): QuickAction[] {
  switch (c.status) {
    case 'dispatched':
      return [{ to: 'in_progress', label: '签收' }];
    case 'in_progress':
    case 'returned':
      return [{ to: 'handled', label: '处置' }];
    default:
      return [];
  }
}

export function TasksPage() {
  return (
    <CaseQueue
      view="mine"
      title="我的任务"
      description="派给本单位的案件:签收后处置,上传处置后照片提交核查;超期和时限最近的在前"
      tabs={TABS}
      actions={actionsFor}
      empty="暂无待办任务"
    />
  );
}
