/**
 * /report 上报问题: what (category, severity, description), where (tap the map, the phone's GPS, a
 * photo's GPS, or an address), photos uploaded as they are chosen, who reported it (hotline and
 * citizens) — with who will get it and whether it is already reported nearby. Sent with a client id
 * and an Idempotency-Key that survive a retry after a network failure, so a case is never created
 * twice. Built for phones first: one column, big targets, the send button always in reach.
 */
import { AimOutlined, CameraOutlined, EnvironmentOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Radio, Select, Space, Typography } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { TCreateCase, TCreateCaseResponse } from '../../../common/cases.ts';
import {
  CASE_SOURCE_LABELS,
  CASE_SOURCES,
  SEVERITIES,
  SEVERITY_LABELS,
  type TCaseSource,
  type TSeverity,
} from '../../../common/categories.ts';
import type { TRole } from '../../../common/roles.ts';
import { ApiError, api } from '../api.ts';
import { CategoryCascader, categoryByCode } from '../components/cases/CategoryCascader.tsx';
import { caseKey, newUuid } from '../components/cases/caseApi.ts';
import { type PhotoItem, PhotoUploader, photoIds, photosRule } from '../components/cases/PhotoUploader.tsx';
import { NearbyCases, RoutingPreview } from '../components/cases/RoutingPreview.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { applyFieldErrors } from '../components/formErrors.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { useCategories } from '../queries.ts';
import { useSession } from '../session.tsx';
import '../components/cases/cases.css';

const CasePointMap = lazy(() => import('../components/cases/CasePointMap.tsx'));

/** Sources a person may choose (sensors report by themselves). */
const PERSON_SOURCES = CASE_SOURCES.filter((s) => s !== 'sensor');
/** Sources whose reporter is a member of the public: ask for a name and phone. */
const PUBLIC_SOURCES: readonly TCaseSource[] = ['citizen', 'hotline_12345'];
/**
 * Sources whose reporters stand at the spot with a phone: the category's before-photos are required
 * (the server decides; this mirrors SOURCES_WITH_PHOTOS in server/modules/cases/cases.states.ts).
 */
const SOURCES_WITH_PHOTOS: readonly TCaseSource[] = ['patrol', 'inspection', 'district_supervision'];

function defaultSource(roles: readonly TRole[]): TCaseSource {
  if (roles.includes('field_worker')) return 'patrol';
  if (roles.includes('inspector')) return 'inspection';
  if (roles.includes('commander') || roles.includes('leader')) return 'hotline_12345';
  return 'patrol';
}

interface Values {
  category?: string | null;
  severity: TSeverity;
  description?: string;
  address?: string;
  photos?: PhotoItem[];
  source: TCaseSource;
  reporterName?: string;
  reporterPhone?: string;
  externalRef?: string;
}

interface Point {
  lat: number;
  lng: number;
  /** Where it came from, for the line under the map. */
  via: 'map' | 'gps' | 'photo';
  accuracy?: number;
}

const FORM_FIELDS = [
  'category',
  'severity',
  'description',
  'address',
  'photos',
  'source',
  'reporterName',
  'reporterPhone',
  'externalRef',
];

/** body.location.address → address, body.reporter.name → reporterName … */
function fieldOfIssue(field: string): string {
  const f = field.replace(/^body\./, '');
  if (f === 'location.address') return 'address';
  if (f.startsWith('location')) return 'location';
  if (f.startsWith('photos')) return 'photos';
  if (f === 'reporter.name') return 'reporterName';
  if (f === 'reporter.phone') return 'reporterPhone';
  return f;
}

function geoErrorText(e: GeolocationPositionError | null): string {
  if (!window.isSecureContext) return '当前连接不是 HTTPS,浏览器不允许定位;请在地图上点选位置';
  if (!e) return '此浏览器不支持定位;请在地图上点选位置';
  if (e.code === e.PERMISSION_DENIED) return '未获得定位权限;请在浏览器设置中允许定位,或在地图上点选位置';
  if (e.code === e.TIMEOUT) return '定位超时;请到开阔处重试,或在地图上点选位置';
  return '无法获取当前位置;请在地图上点选位置';
}

export function ReportPage() {
  const { user } = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const categories = useCategories();
  const [form] = Form.useForm<Values>();
  const [point, setPoint] = useState<Point | null>(null);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);
  const [locationError, setLocationError] = useState<string | null>(null);
  // One draft = one case id; the idempotency key lives until the server gives a definite answer.
  const draft = useRef<{ id: string; key: string; sent: TCreateCase | null }>({
    id: newUuid(),
    key: newUuid(),
    sent: null,
  });
  const [networkFailed, setNetworkFailed] = useState(false);

  const category = Form.useWatch('category', form);
  const severity = Form.useWatch('severity', form) ?? 'normal';
  const source = Form.useWatch('source', form) ?? defaultSource(user.roles);
  const photos = Form.useWatch('photos', form);
  const address = Form.useWatch('address', form);
  const cat = categoryByCode(categories.data, category);
  const minPhotos = SOURCES_WITH_PHOTOS.includes(source) ? (cat?.rule.evidence.beforePhotos ?? 0) : 0;

  const photoPoint = useMemo(() => {
    const m = (photos ?? []).find((p) => p.media && p.media.exifLat !== null && p.media.exifLng !== null)?.media;
    return m && m.exifLat !== null && m.exifLng !== null ? { lat: m.exifLat, lng: m.exifLng } : null;
  }, [photos]);

  const locate = () => {
    setGeoError(null);
    if (!('geolocation' in navigator) || !window.isSecureContext) {
      setGeoError(geoErrorText(null));
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        setLocationError(null);
        setPoint({ lat: pos.coords.latitude, lng: pos.coords.longitude, via: 'gps', accuracy: pos.coords.accuracy });
      },
      (e) => {
        setLocating(false);
        setGeoError(geoErrorText(e));
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  };

  // A grid worker who already allowed location gets it without asking.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on opening the form
  useEffect(() => {
    if (!window.isSecureContext || !navigator.permissions?.query) return;
    navigator.permissions
      .query({ name: 'geolocation' })
      .then((s) => {
        if (s.state === 'granted') locate();
      })
      .catch(() => undefined);
  }, []);

  const create = useMutation({
    mutationFn: (body: TCreateCase) =>
      api.post<TCreateCaseResponse>('/api/v1/cases', body, { headers: { 'Idempotency-Key': draft.current.key } }),
    onSuccess: (res) => {
      setNetworkFailed(false);
      const { duplicates: _d, warnings: _w, ...detail } = res;
      qc.setQueryData(caseKey(res.id), detail);
      qc.invalidateQueries({ queryKey: ['cases', 'list'] });
      message.success(`已上报,案件编号 ${res.number}`);
      navigate(`/cases/${res.id}`, { state: { created: { duplicates: res.duplicates, warnings: res.warnings } } });
    },
    onError: (e) => {
      // No answer, the server failed, or the first try is still being processed (409): the case may
      // exist. Keep id, key and body so that a retry is answered with that case, not a second one.
      const uncertain = !(e instanceof ApiError) || e.status === 0 || e.status >= 500 || e.code === 'CONFLICT';
      setNetworkFailed(uncertain);
      if (!uncertain) {
        draft.current.key = newUuid();
        const placed = applyFieldErrors(form, mapIssues(e), FORM_FIELDS);
        const loc = (e as ApiError).fieldIssues.find((i) => fieldOfIssue(i.field) === 'location');
        if (loc) setLocationError(loc.message);
        if (placed) create.reset();
      }
    },
  });

  const submit = async () => {
    // After a lost answer, send exactly what was sent: same id, same key, same body — the server then
    // answers with the case it already made instead of a second one.
    if (networkFailed && draft.current.sent) {
      create.mutate(draft.current.sent);
      return;
    }
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const addr = v.address?.trim();
    if (!point && (!addr || addr.length < 2)) {
      setLocationError('请在地图上点选位置、使用当前位置,或填写地址');
      return;
    }
    setLocationError(null);
    const reporter =
      v.reporterName?.trim() || v.reporterPhone?.trim()
        ? { name: v.reporterName?.trim() || undefined, phone: v.reporterPhone?.trim() || undefined }
        : undefined;
    const body: TCreateCase = {
      id: draft.current.id,
      source: v.source,
      category: v.category as string,
      severity: v.severity,
      location: point
        ? { lat: point.lat, lng: point.lng, crs: 'wgs84', ...(addr ? { address: addr } : {}) }
        : { address: addr as string },
      description: (v.description ?? '').trim(),
      photos: photoIds(v.photos),
      ...(reporter ? { reporter } : {}),
      ...(v.externalRef?.trim() ? { externalRef: v.externalRef.trim() } : {}),
    };
    draft.current.sent = body;
    create.mutate(body);
  };

  const pointLine = point
    ? `${point.via === 'gps' ? '当前位置' : point.via === 'photo' ? '照片位置' : '地图选点'}:${point.lng.toFixed(6)}, ${point.lat.toFixed(6)}${
        point.accuracy ? `(精度约 ${Math.round(point.accuracy)} 米)` : ''
      }`
    : '尚未选择位置:点击地图、使用当前位置,或填写下方地址';

  return (
    <div className="gc-page gc-report">
      <PageHeader title="上报问题" description="拍照、定位、选分类,20 秒完成上报;系统按网格和分类自动派往责任单位" />
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark="optional"
        initialValues={{ severity: 'normal', source: defaultSource(user.roles), photos: [] }}
        onValuesChange={() => {
          if (create.isError && !networkFailed) create.reset();
        }}
      >
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Card size="small" title="问题">
            <Form.Item name="category" label="问题分类" rules={[{ required: true, message: '请选择问题分类' }]}>
              <CategoryCascader />
            </Form.Item>
            <Form.Item name="severity" label="紧急程度">
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }))}
              />
            </Form.Item>
            <Form.Item
              name="description"
              label="问题描述"
              rules={[
                { required: true, message: '请描述问题' },
                { min: 2, message: '描述至少 2 个字' },
              ]}
            >
              <Input.TextArea
                autoSize={{ minRows: 3, maxRows: 8 }}
                maxLength={2000}
                showCount
                placeholder="如:八大街与经南三路路口东侧限速标志牌倾倒"
              />
            </Form.Item>
          </Card>

          <Card size="small" title="照片">
            <Form.Item
              name="photos"
              label={minPhotos > 0 ? `现场照片(至少 ${minPhotos} 张)` : '现场照片'}
              required={minPhotos > 0}
              rules={[photosRule(minPhotos, '现场照片')]}
              style={{ marginBottom: 0 }}
            >
              <PhotoUploader near={point} buttonText="拍照 / 选择照片" testId="report-photos" />
            </Form.Item>
          </Card>

          <Card size="small" title="位置">
            <div className="gc-report-actions">
              <Button icon={<AimOutlined />} onClick={locate} loading={locating} data-testid="use-gps">
                使用当前位置
              </Button>
              {photoPoint && (
                <Button
                  icon={<CameraOutlined />}
                  onClick={() => {
                    setLocationError(null);
                    setPoint({ ...photoPoint, via: 'photo' });
                  }}
                >
                  使用照片位置
                </Button>
              )}
              {point && (
                <Button type="text" onClick={() => setPoint(null)}>
                  清除位置
                </Button>
              )}
            </div>
            {geoError && (
              <Alert
                type="warning"
                showIcon
                title={geoError}
                style={{ marginBottom: 8 }}
                closable={{ onClose: () => setGeoError(null) }}
              />
            )}
            <Suspense fallback={<div className="gc-point-map" style={{ height: 240 }} />}>
              <CasePointMap
                point={point}
                height={240}
                testId="report-map"
                onPick={(p) => {
                  setLocationError(null);
                  setPoint({ lat: p.lat, lng: p.lng, via: 'map' });
                }}
              />
            </Suspense>
            <div className="gc-report-point" data-testid="report-point">
              <EnvironmentOutlined /> {pointLine}
            </div>
            <Form.Item
              name="address"
              label="地址 / 位置描述"
              style={{ marginTop: 8, marginBottom: 0 }}
              extra={point ? '选填,便于处置人员找到现场' : '无法定位时必填'}
              rules={[{ max: 200, message: '地址最多 200 字' }]}
            >
              <Input maxLength={200} placeholder="如:八大街与经南三路交叉口东南角" allowClear />
            </Form.Item>
            {locationError && (
              <Typography.Text type="danger" data-testid="location-error">
                {locationError}
              </Typography.Text>
            )}
          </Card>

          {point && category && <RoutingPreview point={point} category={category} severity={severity} />}
          {point && category && <NearbyCases point={point} category={category} />}

          <Card size="small" title="来源">
            <Form.Item name="source" label="问题来源" rules={[{ required: true, message: '请选择问题来源' }]}>
              <Select options={PERSON_SOURCES.map((s) => ({ value: s, label: CASE_SOURCE_LABELS[s] }))} />
            </Form.Item>
            {PUBLIC_SOURCES.includes(source) && (
              <Space.Compact block>
                <Form.Item name="reporterName" label="反映人" style={{ flex: 1, marginInlineEnd: 8 }}>
                  <Input maxLength={40} placeholder="姓名(选填)" autoComplete="off" />
                </Form.Item>
                <Form.Item
                  name="reporterPhone"
                  label="联系电话"
                  style={{ flex: 1 }}
                  rules={[{ pattern: /^[0-9+\-\s]{5,20}$/, message: '请填写有效的电话号码' }]}
                >
                  <Input maxLength={20} placeholder="选填" inputMode="tel" autoComplete="off" />
                </Form.Item>
              </Space.Compact>
            )}
            {source !== 'patrol' && (
              <Form.Item
                name="externalRef"
                label="外部编号"
                extra="12345 工单号、督查通报编号等,便于对账"
                style={{ marginBottom: 0 }}
              >
                <Input maxLength={64} placeholder="选填" autoComplete="off" />
              </Form.Item>
            )}
          </Card>

          <div className="gc-report-submit">
            {create.isError && (
              <div style={{ marginBottom: 8 }}>
                {networkFailed ? (
                  <Alert
                    type="warning"
                    showIcon
                    title="提交未完成"
                    description={`${create.error instanceof ApiError ? create.error.message : '网络异常'}。请点击“重新提交”:将按上次的内容再次发送,同一份上报不会被重复登记。`}
                    data-testid="submit-retry"
                  />
                ) : (
                  <ErrorAlert error={create.error} />
                )}
              </div>
            )}
            <Button
              type="primary"
              size="large"
              block
              icon={<SendOutlined />}
              loading={create.isPending}
              onClick={submit}
              data-testid="submit-case"
            >
              {networkFailed ? '重新提交' : '提交上报'}
            </Button>
            {!point && !address && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                提交前请确定位置
              </Typography.Text>
            )}
          </div>
        </Space>
      </Form>
    </div>
  );
}

/** The server's issues with field names this form knows (body.reporter.name → reporterName …). */
function mapIssues(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  const issues = e.fieldIssues.map((i) => ({ ...i, field: fieldOfIssue(i.field) }));
  return new ApiError(e.code, e.message, issues, e.status);
}
