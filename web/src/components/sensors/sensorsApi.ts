/** Queries for the construction-site pages (/sites and /sites/:id). Live data refreshes every 30 s. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  TAlertListQuery,
  TCreateThreshold,
  TDeviceListQuery,
  TFeeAccount,
  TFeeAccountRow,
  TFeeAccountsQuery,
  TFeeWarnings,
  TPatchThreshold,
  TSensorAlert,
  TSensorDevice,
  TSeries,
  TSite,
  TSiteDetail,
  TSiteListQuery,
  TSitePoint,
  TSiteWithoutMonitor,
  TThreshold,
} from '../../../../common/sensors.ts';
import { api } from '../../api.ts';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** How often live data (status, readings, alerts, devices) is fetched again. */
export const LIVE_REFRESH_MS = 30_000;

export const SENSORS_KEY = ['sensors'] as const;
export const siteKey = (id: string) => ['sensors', 'site', id] as const;
export const feesKey = (id: string) => ['sensors', 'fees', id] as const;
export const THRESHOLDS_KEY = ['sensors', 'thresholds'] as const;

const live = { refetchInterval: LIVE_REFRESH_MS, refetchIntervalInBackground: false, staleTime: 10_000 };

export function useSites(q: Partial<TSiteListQuery>) {
  return useQuery({
    queryKey: [...SENSORS_KEY, 'sites', q],
    queryFn: () => api.get<Page<TSite>>('/api/v1/sites', q),
    placeholderData: keepPreviousData,
    ...live,
  });
}

export function useSitePoints() {
  return useQuery({
    queryKey: [...SENSORS_KEY, 'map'],
    queryFn: () => api.get<{ items: TSitePoint[] }>('/api/v1/sites/map'),
    ...live,
  });
}

export function useSite(id: string) {
  return useQuery({
    queryKey: siteKey(id),
    queryFn: () => api.get<TSiteDetail>(`/api/v1/sites/${id}`),
    ...live,
  });
}

export function useSiteDevices(id: string) {
  return useQuery({
    queryKey: [...siteKey(id), 'devices'],
    queryFn: () => api.get<{ items: TSensorDevice[] }>(`/api/v1/sites/${id}/devices`),
    ...live,
  });
}

/** The last 24 hours in minute steps for PM10, PM2.5 and the noise codes. */
export function useSiteSeries(id: string) {
  return useQuery({
    queryKey: [...siteKey(id), 'series'],
    queryFn: () =>
      api.get<TSeries>(`/api/v1/sites/${id}/series`, {
        pollutants: 'a34002,a34004,LA,Leq,a50001',
        from: new Date(Date.now() - 24 * 3_600_000).toISOString(),
        to: new Date().toISOString(),
        bucket: 'minute',
      }),
    placeholderData: keepPreviousData,
    ...live,
  });
}

export function useAlerts(q: Partial<TAlertListQuery>) {
  return useQuery({
    queryKey: [...SENSORS_KEY, 'alerts', q],
    queryFn: () =>
      api.get<Page<TSensorAlert>>('/api/v1/sensor-alerts', {
        ...q,
        open: q.open === undefined ? undefined : String(q.open),
      }),
    placeholderData: keepPreviousData,
    ...live,
  });
}

export function useDevices(q: Partial<TDeviceListQuery>) {
  return useQuery({
    queryKey: [...SENSORS_KEY, 'devices', q],
    queryFn: () =>
      api.get<Page<TSensorDevice>>('/api/v1/sensor-devices', {
        ...q,
        enabled: q.enabled === undefined ? undefined : String(q.enabled),
      }),
    placeholderData: keepPreviousData,
    ...live,
  });
}

export function useSitesWithoutMonitor() {
  return useQuery({
    queryKey: [...SENSORS_KEY, 'without-monitor'],
    queryFn: () => api.get<{ items: TSiteWithoutMonitor[]; total: number }>('/api/v1/sites/without-monitor'),
    ...live,
  });
}

export function useFeeAccount(siteId: string) {
  return useQuery({
    queryKey: feesKey(siteId),
    queryFn: () => api.get<TFeeAccount>(`/api/v1/sites/${siteId}/fees`),
  });
}

export function useFeeAccounts(q: Partial<TFeeAccountsQuery>) {
  return useQuery({
    queryKey: [...SENSORS_KEY, 'fee-accounts', q],
    queryFn: () => api.get<Page<TFeeAccountRow>>('/api/v1/dust-fees', q),
    placeholderData: keepPreviousData,
  });
}

export function useFeeWarnings() {
  return useQuery({
    queryKey: [...SENSORS_KEY, 'fee-warnings'],
    queryFn: () => api.get<TFeeWarnings>('/api/v1/dust-fees/warnings'),
    ...live,
  });
}

/** The tenant's threshold rules (the same for every site of a type, whatever the caller's scope). */
export function useThresholds() {
  return useQuery({
    queryKey: THRESHOLDS_KEY,
    queryFn: () => api.get<{ items: TThreshold[] }>('/api/v1/sensor-thresholds'),
  });
}

/** Add a threshold rule (sensors.write; 409 on the pollutant when the same type, factor, rule and level exist). */
export const createThreshold = (body: TCreateThreshold) => api.post<TThreshold>('/api/v1/sensor-thresholds', body);

/** Change a threshold rule (sensors.write): only the fields sent. */
export const patchThreshold = (id: string, body: TPatchThreshold) =>
  api.patch<TThreshold>(`/api/v1/sensor-thresholds/${id}`, body);

/** A receipt photo of a site's fee entry (served through the site, so whoever sees the site sees it). */
export const feePhotoUrl = (siteId: string, mediaId: string, size: 'thumb' | 'full' = 'full') =>
  `/api/v1/sites/${siteId}/fees/photos/${mediaId}${size === 'thumb' ? '?size=thumb' : ''}`;
