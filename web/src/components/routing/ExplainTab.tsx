/**
 * 责任解析: for a point (and optionally a category, severity, industry, level, time) ask
 * GET /api/v1/routing/explain who leads, who acts, by when — and why.
 */
import { AimOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  AutoComplete,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { SEVERITIES, SEVERITY_LABELS, type TSeverity } from '../../../../common/categories.ts';
import type { TExplanation } from '../../../../common/routing.ts';
import { api } from '../../api.ts';
import { useCategories } from '../../queries.ts';
import { CategoryTreeSelect } from '../categories/CategoryTreeSelect.tsx';
import { LoadError, PageLoading } from '../QueryState.tsx';
import { ExplainResult } from './ExplainResult.tsx';
import { findGridPoint, useGrids } from './grids.ts';
import { useRules } from './MatrixTab.tsx';

type Crs = 'wgs84' | 'gcj02' | 'bd09';

export const CRS_OPTIONS: { value: Crs; label: string }[] = [
  { value: 'wgs84', label: 'WGS-84(GPS 原始坐标)' },
  { value: 'gcj02', label: 'GCJ-02(高德、腾讯地图)' },
  { value: 'bd09', label: 'BD-09(百度地图)' },
];

interface Values {
  lat?: number | null;
  lng?: number | null;
  crs: Crs;
  categoryId?: string | null;
  severity: TSeverity;
  industry?: string | null;
  level?: string | null;
  at?: Dayjs | null;
}

type ExplainParams = {
  lat: number;
  lng: number;
  crs: Crs;
  severity: TSeverity;
  category?: string;
  industry?: string;
  level?: string;
  at?: string;
};

const PRESET_TEXT = '李南岗';

export function ExplainTab() {
  const [form] = Form.useForm<Values>();
  const categories = useCategories();
  const rules = useRules();
  const grids = useGrids();
  const [params, setParams] = useState<ExplainParams | null>(null);

  const explain = useQuery({
    queryKey: ['routing', 'explain', params],
    queryFn: () => api.get<TExplanation>('/api/v1/routing/explain', params ?? undefined),
    enabled: params !== null,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });

  const preset = grids.data ? findGridPoint(grids.data, PRESET_TEXT) : null;

  const onFinish = (v: Values) => {
    if (v.lat === null || v.lat === undefined || v.lng === null || v.lng === undefined) return;
    const code = v.categoryId ? categories.data?.find((c) => c.id === v.categoryId)?.code : undefined;
    setParams({
      lat: v.lat,
      lng: v.lng,
      crs: v.crs,
      severity: v.severity,
      category: code,
      industry: v.industry?.trim() || undefined,
      level: v.level?.trim() || undefined,
      // The picker's wall-clock time is read as Beijing time (China keeps +08:00 all year).
      at: v.at ? `${v.at.format('YYYY-MM-DDTHH:mm:ss')}+08:00` : undefined,
    });
  };

  const applyPreset = () => {
    if (!preset) return;
    form.setFieldsValue({ lat: round6(preset.lat), lng: round6(preset.lng), crs: 'wgs84' });
    form.submit();
  };

  const suggestions = (pick: (r: { industry: string | null; level: string | null }) => string | null) =>
    [...new Set((rules.data ?? []).map(pick).filter((x): x is string => !!x))].map((value) => ({ value }));

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={8} xxl={7}>
        <Card
          variant="borderless"
          title={
            <span>
              <AimOutlined /> 责任解析
            </span>
          }
          extra={
            preset && (
              <Tooltip title={`取网格“${preset.grid.code} ${preset.grid.name}”的中心点`}>
                <Button size="small" onClick={applyPreset}>
                  示例:明湖 李南岗
                </Button>
              </Tooltip>
            )
          }
        >
          <Typography.Paragraph type="secondary">
            输入问题位置和分类,查看该处由哪个网格、社区、办事处管辖,由谁牵头、谁处置、何时到期,以及依据哪条规则。
          </Typography.Paragraph>
          <Form<Values>
            form={form}
            layout="vertical"
            initialValues={{ crs: 'wgs84', severity: 'normal', categoryId: null }}
            onFinish={onFinish}
            requiredMark
          >
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item label="纬度" name="lat" rules={[{ required: true, message: '请输入纬度' }]}>
                  <InputNumber
                    min={-90}
                    max={90}
                    precision={6}
                    step={0.001}
                    style={{ width: '100%' }}
                    placeholder="如 34.72"
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item label="经度" name="lng" rules={[{ required: true, message: '请输入经度' }]}>
                  <InputNumber
                    min={-180}
                    max={180}
                    precision={6}
                    step={0.001}
                    style={{ width: '100%' }}
                    placeholder="如 113.73"
                  />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item
              label="坐标系"
              name="crs"
              extra="手机 GPS 为 WGS-84;从高德、腾讯地图取点为 GCJ-02,从百度地图取点为 BD-09"
            >
              <Select options={CRS_OPTIONS} />
            </Form.Item>
            <Form.Item label="问题分类" name="categoryId" extra="不选分类时,列出该处每个大类的责任单位">
              <CategoryTreeSelect activeOnly placeholder="不限(按大类分别列出)" />
            </Form.Item>
            <Form.Item label="紧急程度" name="severity">
              <Radio.Group
                optionType="button"
                options={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }))}
              />
            </Form.Item>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item label="行业" name="industry">
                  <AutoComplete
                    options={suggestions((r) => r.industry)}
                    placeholder="可不填,如 餐饮"
                    allowClear
                    maxLength={40}
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item label="层级" name="level">
                  <AutoComplete options={suggestions((r) => r.level)} placeholder="可不填" allowClear maxLength={40} />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item label="发现时间(北京时间)" name="at" extra="整改期限从此时起算;不填为当前时间">
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
                placeholder="现在"
              />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={explain.isFetching}>
                解析
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setParams(null);
                }}
              >
                清空
              </Button>
            </Space>
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={16} xxl={17}>
        {params === null ? (
          <Card variant="borderless">
            <Empty
              description={preset ? '输入坐标后点击“解析”,或点击“示例:明湖 李南岗”试一试' : '输入坐标后点击“解析”'}
            />
          </Card>
        ) : explain.isPending ? (
          <PageLoading rows={10} />
        ) : explain.isError ? (
          <LoadError error={explain.error} onRetry={() => explain.refetch()} />
        ) : (
          <ExplainResult e={explain.data} requestedSeverity={params.severity} at={params.at ?? null} />
        )}
      </Col>
    </Row>
  );
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
