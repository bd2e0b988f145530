/** Queries more than one page uses. */
import { useQuery } from '@tanstack/react-query';
import type { TCategory } from '../../common/categories.ts';
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

export const CATEGORIES_KEY = ['categories'] as const;

/** The problem catalogue (大类 and 小类, flat, each with its current rule). */
export function useCategories(enabled = true) {
  return useQuery({
    queryKey: CATEGORIES_KEY,
    queryFn: () => api.get<{ items: TCategory[] }>('/api/v1/categories'),
    select: (d) => d.items,
    staleTime: 60_000,
    enabled,
  });
}
