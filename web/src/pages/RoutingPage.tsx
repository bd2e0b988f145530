/** /routing: the responsibility matrix and the "who is responsible here?" explanation tool. */
import { Tabs } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { ExplainTab } from '../components/routing/ExplainTab.tsx';
import { MatrixTab } from '../components/routing/MatrixTab.tsx';

type TabKey = 'matrix' | 'explain';

export function RoutingPage() {
  const [search, setSearch] = useSearchParams();
  const tab: TabKey = search.get('tab') === 'explain' ? 'explain' : 'matrix';
  return (
    <div className="gc-page">
      <PageHeader
        title="责任矩阵"
        description="按分类、区域、行业、层级确定问题由哪个单位、哪个人处置;“责任解析”可查任意位置的责任归属及依据"
      />
      <Tabs
        activeKey={tab}
        onChange={(k) => setSearch(k === 'matrix' ? {} : { tab: k }, { replace: true })}
        destroyOnHidden={false}
        items={[
          { key: 'matrix', label: '责任矩阵', children: <MatrixTab /> },
          { key: 'explain', label: '责任解析', children: <ExplainTab /> },
        ]}
      />
    </div>
  );
}
