/** 设置角色: PUT /api/v1/users/:id/roles {roles}. The server enforces 三员分立 and says why it refuses. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Checkbox, Col, Modal, Row, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { TUser } from '../../../../common/org.ts';
import { ADMIN_ROLES, ROLE_LABELS, ROLES, type TRole } from '../../../../common/roles.ts';
import { api } from '../../api.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { adminConflict } from './CreateUserModal.tsx';

export interface SetRolesResult {
  user: TUser;
  /** Set when an admin role was granted to an account without TOTP: shown once, for enrolment. */
  totpProvisioningUri: string | null;
}

export function SetRolesModal({
  user,
  onClose,
  onTotpIssued,
}: {
  user: TUser | null;
  onClose: () => void;
  onTotpIssued: (result: SetRolesResult & { totpProvisioningUri: string }) => void;
}) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [roles, setRoles] = useState<TRole[]>([]);

  const save = useMutation({
    mutationFn: (v: { id: string; roles: TRole[] }) =>
      api.put<SetRolesResult>(`/api/v1/users/${v.id}/roles`, { roles: v.roles }),
    onSuccess: (result) => {
      message.success('角色已更新,该用户需重新登录');
      queryClient.invalidateQueries({ queryKey: ['users'] });
      onClose();
      const uri = result?.totpProvisioningUri;
      if (uri) onTotpIssued({ ...result, totpProvisioningUri: uri });
    },
  });
  const { reset } = save;

  useEffect(() => {
    setRoles(user ? [...user.roles] : []);
    reset();
  }, [user, reset]);

  const tooMany = roles.length > 5;
  return (
    <Modal
      title={user ? `设置角色:${user.displayName}(${user.username})` : '设置角色'}
      open={user !== null}
      onCancel={onClose}
      onOk={() => user && save.mutate({ id: user.id, roles })}
      okText="保存"
      okButtonProps={{ disabled: roles.length === 0 || tooMany }}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={560}
    >
      <Typography.Paragraph type="secondary">
        角色决定用户可使用的功能,数据范围由所属单位决定。系统管理员、安全管理员、审计管理员(三员)不得由同一账户兼任;
        首次授予三员角色时将为该账户生成动态口令密钥。
      </Typography.Paragraph>
      <Checkbox.Group<TRole> value={roles} onChange={(v) => setRoles(v)} style={{ width: '100%' }}>
        <Row gutter={[8, 10]}>
          {ROLES.map((r) => (
            <Col span={12} key={r}>
              <Checkbox value={r}>
                {ROLE_LABELS[r]}
                {ADMIN_ROLES.includes(r) && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {' '}
                    (三员)
                  </Typography.Text>
                )}
              </Checkbox>
            </Col>
          ))}
        </Row>
      </Checkbox.Group>
      <div className="gc-modal-alerts">
        {roles.length === 0 && <Alert type="info" showIcon title="请至少选择一个角色" />}
        {tooMany && <Alert type="warning" showIcon title="一个账户最多 5 个角色" />}
        {adminConflict(roles) && (
          <Alert type="warning" showIcon title="已同时选择两个以上三员角色,服务器将拒绝此设置。" />
        )}
        {save.isError && <ErrorAlert error={save.error} />}
      </div>
    </Modal>
  );
}
