/** /dispatch 派遣队列: what waits for the caller's HQ — to register, to dispatch, to verify, to close. */
import type { TCaseSummary } from '../../../common/cases.ts';
import type { QuickAction } from '../components/cases/CaseList.tsx';
import { CaseQueue, type QueueTab } from '../components/cases/CaseQueue.tsx';

const TABS: QueueTab[] = [
  { key: 'all', label: '全部待办' },
  { key: 'register', label: '待立案', status: ['reported'] },
  { key: 'dispatch', label: '待派遣', status: ['registered'] },
  { key: 'verify', label: '待核查', status: ['handled'] },
  { key: 'close', label: '待结案', status: ['verified'] },
];

function actionsFor(c: TCaseSummary): QuickAction[] {
  switch (c.status) {
    case 'reported':
      return [{ to: 'registered', label: '立案' }];
    case 'registered':
      return [{ to: 'dispatched', label: '派遣' }];
    case 'handled':
      return [{ to: 'verified', label: '核查通过' }];
    case 'verified':
      return [{ to: 'closed', label: '结案' }];
    default:
      return [];
  }
}

export function DispatchPage() {
  return (
    <CaseQueue
      view="dispatch"
      title="派遣队列"
      description="本指挥部待立案、待派遣、待核查和待结案的案件,超期和时限最近的在前"
      tabs={TABS}
      actions={actionsFor}
      empty="没有等待本指挥部处理的案件"
    />
  );
}
