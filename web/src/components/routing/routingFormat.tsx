/**
 * How the responsibility matrix decides, in words: the specificity vector [分类, 区域, 行业, 层级] that
 * server/modules/routing/matrix.ts compares dimension by dimension, the precedence panel, and labels.
 */
import { Alert, Space, Tag, Tooltip, Typography } from 'antd';
import type { TCategory } from '../../../../common/categories.ts';
import type { TRule } from '../../../../common/routing.ts';

/** Words for each rank of each dimension, in the order the server compares them. */
const DIMENSIONS: { name: string; ranks: string[]; colors: string[] }[] = [
  { name: '分类', ranks: ['任意分类', '大类', '小类'], colors: ['default', 'geekblue', 'blue'] },
  { name: '区域', ranks: ['全区', '办事处', '社区', '网格'], colors: ['default', 'cyan', 'green', 'lime'] },
  { name: '行业', ranks: ['不限行业', '指定行业'], colors: ['default', 'orange'] },
  { name: '层级', ranks: ['不限层级', '指定层级'], colors: ['default', 'gold'] },
];

/**
 * In an explanation the category rank is relative to the problem: 2 = a rule for exactly its category,
 * 1 = for its 大类, 0 = any category. (A 大类 rule asked about the 大类 itself therefore scores 2.)
 */
export const MATCH_CATEGORY_WORDS = ['任意分类', '所属大类', '本分类'];

/** "小类 · 社区 · 不限行业 · 不限层级" as tags; the unrestricted ones are muted. */
export function SpecificityTags({
  value,
  compact = false,
  match = false,
}: {
  value: readonly number[];
  /** Leave out 不限行业/不限层级. */
  compact?: boolean;
  /** The ranks of a match against a problem (explanations), rather than of a rule on its own. */
  match?: boolean;
}) {
  return (
    <Tooltip title={`优先级 [${value.join(', ')}]:依次比较分类、区域、行业、层级,数字越大越具体`}>
      <Space size={2} wrap>
        {DIMENSIONS.map((d, i) => {
          const rank = value[i] ?? 0;
          if (compact && rank === 0 && i >= 2) return null;
          const words = match && i === 0 ? MATCH_CATEGORY_WORDS : d.ranks;
          return (
            <Tag key={d.name} color={d.colors[rank] ?? 'default'} style={{ marginInlineEnd: 0 }}>
              {words[rank] ?? `${d.name}${rank}`}
            </Tag>
          );
        })}
      </Space>
    </Tooltip>
  );
}

const AREA_RANK = { tenant: 0, subdistrict: 1, community: 2, grid: 3 } as const;

/** A rule's own specificity (what it would score wherever it applies). */
export function ruleSpecificity(rule: TRule, categories: readonly TCategory[]): number[] {
  let cat = 0;
  if (rule.categoryId) {
    const c = categories.find((x) => x.id === rule.categoryId);
    cat = c && c.parentId === null ? 1 : 2;
  }
  return [cat, AREA_RANK[rule.areaKind], rule.industry ? 1 : 0, rule.level ? 1 : 0];
}

export function compareSpecificity(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const VIA_LABELS: Record<
  'rule' | 'category_lead' | 'grid_owner',
  { text: string; color: string; help: string }
> = {
  rule: { text: '责任矩阵规则', color: 'blue', help: '有适用的矩阵规则,最具体的一条决定责任单位' },
  category_lead: {
    text: '分类牵头单位',
    color: 'purple',
    help: '没有适用的矩阵规则,由该分类规则中的牵头单位负责',
  },
  grid_owner: { text: '网格属地', color: 'green', help: '没有适用的矩阵规则,由网格所属单位(属地)负责' },
};

export function ViaTag({ via }: { via: keyof typeof VIA_LABELS }) {
  const v = VIA_LABELS[via];
  return (
    <Tooltip title={v.help}>
      <Tag color={v.color}>{v.text}</Tag>
    </Tooltip>
  );
}

/** The precedence, in plain Chinese, as matrix.ts applies it. */
export function PrecedencePanel({ closable = false }: { closable?: boolean }) {
  return (
    <Alert
      type="info"
      showIcon
      closable={closable}
      title="如何确定责任单位:最具体的规则胜出"
      description={
        <div>
          <Typography.Paragraph style={{ marginBottom: 6 }}>
            先找出对该问题<strong>适用</strong>
            的规则:规则的分类须是该问题的小类、它所属的大类或“任意分类”;规则的区域须包含问题位置;规则指定了行业或层级时须与问题相符。然后按下列顺序逐项比较,前一项分出高下就不再看后面:
          </Typography.Paragraph>
          <ol style={{ margin: '0 0 6px', paddingInlineStart: 20 }}>
            <li>
              <strong>分类</strong>:指定小类 &gt; 指定大类 &gt; 任意分类(专业分工优先,如“工地扬尘 →
              环保局”在任何区域都成立)
            </li>
            <li>
              <strong>区域</strong>:网格 &gt; 社区 &gt; 办事处 &gt; 全区
            </li>
            <li>
              <strong>行业</strong>:指定行业 &gt; 不限行业
            </li>
            <li>
              <strong>层级</strong>:指定层级 &gt; 不限层级
            </li>
          </ol>
          <Typography.Paragraph style={{ marginBottom: 0 }}>
            没有适用规则时,由分类的<strong>牵头单位</strong>负责;未指定分类时,由网格的<strong>属地单位</strong>负责。
            分类、区域、行业、层级四项完全相同的两条规则会在所有地方打平,系统拒绝保存这样的重复规则。
          </Typography.Paragraph>
        </div>
      }
    />
  );
}
