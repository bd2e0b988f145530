/** Sends the browser to /login whenever any request answers 401 UNAUTHENTICATED. */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { setUnauthenticatedHandler } from '../api.ts';
import { clearSession } from '../session.tsx';

export interface LoginState {
  /** Where to go back to after signing in. */
  from?: string;
  /** A notice to show above the form (session expired, password changed …). */
  notice?: { type: 'success' | 'info' | 'warning'; text: string };
}

export function AuthRedirect() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const here = useRef(location);
  here.current = location;

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      const loc = here.current;
      clearSession(queryClient);
      if (loc.pathname === '/login') return;
      const state: LoginState = {
        from: loc.pathname + loc.search,
        notice: { type: 'warning', text: '登录已失效,请重新登录' },
      };
      navigate('/login', { replace: true, state });
    });
  }, [navigate, queryClient]);

  return null;
}
