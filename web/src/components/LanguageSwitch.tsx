/** 中文 / English toggle; the choice is remembered in localStorage. */
import { Segmented } from 'antd';
import { type Lang, useI18n } from '../i18n.tsx';

export function LanguageSwitch({ size = 'small' }: { size?: 'small' | 'middle' }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented<Lang>
      size={size}
      aria-label={t('language')}
      value={lang}
      onChange={setLang}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
