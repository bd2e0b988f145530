/**
 * 中文/English for the shell's own strings (login, layout, menu). Pages stay in Chinese.
 * The choice is kept in localStorage; Chinese is the default.
 */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import type { TRole } from '../../common/roles.ts';
import { ROLE_LABELS } from '../../common/roles.ts';

export type Lang = 'zh-CN' | 'en';
const STORAGE_KEY = 'gridcommand.lang';

const zh = {
  appName: '网格化攻坚指挥平台',
  appSubtitle: '经开区“双迎攻坚”',
  username: '用户名',
  password: '密码',
  totp: '动态口令',
  totpPlaceholder: '6 位数字',
  totpHint: '请输入身份验证器中的 6 位动态口令',
  login: '登录',
  logout: '退出登录',
  usernameRequired: '请输入用户名',
  passwordRequired: '请输入密码',
  totpRequired: '请输入 6 位动态口令',
  totpFormat: '动态口令为 6 位数字',
  lockedUntil: '锁定至 {time}',
  mustChangePassword: '您正在使用初始密码或密码已过期,请尽快修改密码。',
  goChangePassword: '去修改',
  noUnit: '未分配单位',
  forbiddenTitle: '无权访问',
  forbiddenText: '您的账户没有访问此页面的权限。',
  notFoundTitle: '页面不存在',
  notFoundText: '您访问的页面不存在或已被移除。',
  backHome: '返回首页',
  loadingSession: '正在加载…',
  sessionError: '无法获取登录状态',
  retry: '重试',
  footer: '网格化攻坚指挥平台 · 仅限授权人员使用',
  language: '语言',
  collapse: '收起菜单',
  expand: '展开菜单',
  demoData: '演示数据',
};
export type DictKey = keyof typeof zh;

const en: Record<DictKey, string> = {
  appName: 'GridCommand',
  appSubtitle: 'Economic Development Zone campaign command',
  username: 'Username',
  password: 'Password',
  totp: 'One-time code',
  totpPlaceholder: '6 digits',
  totpHint: 'Enter the 6-digit code from your authenticator app',
  login: 'Sign in',
  logout: 'Sign out',
  usernameRequired: 'Please enter your username',
  passwordRequired: 'Please enter your password',
  totpRequired: 'Please enter the 6-digit code',
  totpFormat: 'The code is 6 digits',
  lockedUntil: 'Account locked until {time}',
  mustChangePassword: 'You are using an initial or expired password. Please change it now.',
  goChangePassword: 'Change password',
  noUnit: 'No unit',
  forbiddenTitle: 'Access denied',
  forbiddenText: 'Your account may not open this page.',
  notFoundTitle: 'Page not found',
  notFoundText: 'The page you asked for does not exist.',
  backHome: 'Back to home',
  loadingSession: 'Loading…',
  sessionError: 'Could not load your session',
  retry: 'Retry',
  footer: 'GridCommand · authorised personnel only',
  language: 'Language',
  collapse: 'Collapse menu',
  expand: 'Expand menu',
  demoData: 'Demo data',
};

const ROLE_LABELS_EN: Record<TRole, string> = {
  leader: 'Leader',
  commander: 'Commander',
  unit_head: 'Unit head',
  unit_staff: 'Unit staff',
  field_worker: 'Grid worker',
  inspector: 'Inspector',
  auditor: 'Auditor',
  sys_admin: 'System admin',
  sec_admin: 'Security admin',
  audit_admin: 'Audit admin',
};

const DICTS: Record<Lang, Record<DictKey, string>> = { 'zh-CN': zh, en };

export function readStoredLang(): Lang {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: DictKey, vars?: Record<string, string | number>) => string;
  roleLabel: (role: TRole) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(readStoredLang);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const dict = DICTS[lang];
    return {
      lang,
      setLang,
      t: (key, vars) => {
        let s = dict[key];
        if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
        return s;
      },
      roleLabel: (role) => (lang === 'en' ? ROLE_LABELS_EN[role] : ROLE_LABELS[role]) ?? role,
    };
  }, [lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
