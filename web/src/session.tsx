/** The signed-in user: loaded from GET /api/v1/me, replaced by login, cleared by logout or a 401. */
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo } from 'react';
import type { TLoginRequest, TSessionInfo, TSessionUser } from '../../common/auth.ts';
import type { TPermission } from '../../common/roles.ts';
import { api, isApiError, setCsrfToken } from './api.ts';

export const ME_KEY = ['me'] as const;

/** The session, or null when nobody is signed in. Remembers the CSRF token for later writes. */
export async function fetchMe(): Promise<TSessionInfo | null> {
  try {
    const info = await api.get<TSessionInfo>('/api/v1/me', undefined, { noAuthRedirect: true });
    setCsrfToken(info.csrfToken);
    return info;
  } catch (e) {
    if (isApiError(e, 'UNAUTHENTICATED')) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export function useMeQuery() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000 });
}

export async function login(queryClient: QueryClient, body: TLoginRequest): Promise<TSessionInfo> {
  const info = await api.post<TSessionInfo>('/api/v1/auth/login', body, { noAuthRedirect: true });
  setCsrfToken(info.csrfToken);
  // Nothing cached for a previous user may leak into this one's pages.
  queryClient.removeQueries();
  queryClient.setQueryData(ME_KEY, info);
  return info;
}

/** Forget everything about the session locally (after logout, a password change or a 401). */
export function clearSession(queryClient: QueryClient): void {
  setCsrfToken(null);
  queryClient.cancelQueries();
  queryClient.removeQueries();
  queryClient.setQueryData(ME_KEY, null);
}

export function useLogout(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    try {
      await api.post<void>('/api/v1/auth/logout', undefined, { noAuthRedirect: true });
    } catch {
      // The session is dropped locally whatever the server said.
    }
    clearSession(queryClient);
  }, [queryClient]);
}

interface Session {
  user: TSessionUser;
  can: (permission: TPermission) => boolean;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ user, children }: { user: TSessionUser; children: ReactNode }) {
  const value = useMemo<Session>(() => {
    const perms = new Set(user.permissions);
    return { user, can: (p) => perms.has(p) };
  }, [user]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
