/**
 * After granting an admin role to an account without TOTP, the server returns an otpauth:// URI once.
 * Shown here for the security administrator to hand to the account's owner.
 */
import { Alert, Descriptions, Modal, Typography } from 'antd';
import type { SetRolesResult } from './SetRolesModal.tsx';

function secretOf(uri: string): string | null {
  try {
    return new URL(uri).searchParams.get('secret');
  } catch {
    return null;
  }
}

/** "ABCD EFGH …": easier to read out and type into an authenticator app. */
function groups(s: string): string {
  return s.replace(/(.{4})/g, '$1 ').trim();
}

export function TotpIssuedModal({
  issued,
  onClose,
}: {
  issued: (SetRolesResult & { totpProvisioningUri: string }) | null;
  onClose: () => void;
}) {
  const secret = issued ? secretOf(issued.totpProvisioningUri) : null;
  return (
    <Modal
      title="已生成动态口令密钥"
      open={issued !== null}
      onOk={onClose}
      onCancel={onClose}
      okText="我已交付"
      cancelButtonProps={{ style: { display: 'none' } }}
      mask={{ closable: false }}
      keyboard={false}
      destroyOnHidden
      width={620}
    >
      {issued && (
        <>
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title="密钥仅显示这一次"
            description="请通过安全渠道交给账户本人,在身份验证器(如 Google Authenticator、Microsoft Authenticator)中添加。该账户此后登录须输入 6 位动态口令。"
          />
          <Descriptions
            column={1}
            size="small"
            bordered
            items={[
              { key: 'user', label: '账户', children: `${issued.user.displayName}(${issued.user.username})` },
              ...(secret
                ? [
                    {
                      key: 'secret',
                      label: '密钥',
                      children: (
                        <Typography.Text copyable={{ text: secret }} code style={{ fontSize: 14 }}>
                          {groups(secret)}
                        </Typography.Text>
                      ),
                    },
                  ]
                : []),
              {
                key: 'uri',
                label: '配置链接',
                children: (
                  <Typography.Text copyable className="gc-break" style={{ fontSize: 12 }}>
                    {issued.totpProvisioningUri}
                  </Typography.Text>
                ),
              },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
