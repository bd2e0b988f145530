/** Queries more than one page uses. */
import { useQuery } from '@tanstack/react-query';
import type { TOrgUnit } from '../../common/org.ts';
import { api } from './api.ts';

export const UNITS_KEY = ['org', 'units'] as const;

export function useUnits(enabled = true) {
  return useQuery({
    queryKey: UNITS_KEY,
    queryFn: () => api.get<{ items: TOrgUnit[] }>('/api/v1/org/units'),
    select: (d) => d.items,
    staleTime: 60_000,
    enabled,
  });
}
