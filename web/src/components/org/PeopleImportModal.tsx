/** 导入人员 from the users page: the people import panel in a wide dialog. */
import { useQueryClient } from '@tanstack/react-query';
import { App, Modal } from 'antd';
import { useState } from 'react';
import { ImportPanel } from './ImportPanel.tsx';

export function PeopleImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { modal } = App.useApp();
  // Generated passwords are shown once: closing the dialog over them asks first.
  const [issued, setIssued] = useState(0);
  const close = () => {
    setIssued(0);
    onClose();
  };
  return (
    <Modal
      title="导入人员"
      open={open}
      onCancel={() => {
        if (issued === 0) return close();
        modal.confirm({
          title: '关闭后将无法再次查看初始密码',
          content: `本次为 ${issued} 个新账户生成了初始密码。请确认已下载或抄录密码清单。`,
          okText: '已保存,关闭',
          cancelText: '返回',
          onOk: close,
        });
      }}
      footer={null}
      destroyOnHidden
      mask={{ closable: false }}
      width={1100}
    >
      <ImportPanel
        kind="people"
        canImport
        canExport={false}
        onImported={(r) => {
          setIssued(r.passwords.length);
          queryClient.invalidateQueries({ queryKey: ['users'] });
          queryClient.invalidateQueries({ queryKey: ['org', 'overview'] });
        }}
      />
    </Modal>
  );
}
