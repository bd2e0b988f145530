/** Shows a new token's secret once, with a copy button: the server keeps only its hash. */
import { Alert, Descriptions, Modal, Typography } from 'antd';
import { formatDateTime } from '../../format.ts';
import type { CreatedToken } from './CreateTokenModal.tsx';

export function TokenCreatedModal({ created, onClose }: { created: CreatedToken | null; onClose: () => void }) {
  return (
    <Modal
      title="令牌已创建"
      open={created !== null}
      onCancel={onClose}
      onOk={onClose}
      okText="我已保存"
      cancelButtonProps={{ style: { display: 'none' } }}
      mask={{ closable: false }}
      keyboard={false}
      destroyOnHidden
      width={600}
    >
      {created && (
        <>
          <Alert
            type="warning"
            showIcon
            title="令牌仅显示这一次"
            description="关闭本窗口后将无法再次查看,请立即复制并妥善保存。如遗失,请吊销后重新创建。"
            style={{ marginBottom: 16 }}
          />
          <div className="gc-secret">
            <Typography.Paragraph
              copyable={{ text: created.token, tooltips: ['复制', '已复制'] }}
              style={{ margin: 0 }}
            >
              <code data-testid="new-token">{created.token}</code>
            </Typography.Paragraph>
          </div>
          <Descriptions
            size="small"
            column={1}
            style={{ marginTop: 16 }}
            items={[
              { key: 'name', label: '名称', children: created.item.name },
              { key: 'user', label: '所属用户', children: created.item.username },
              { key: 'prefix', label: '前缀', children: <code>{created.item.prefix}</code> },
              { key: 'expires', label: '到期时间', children: formatDateTime(created.item.expiresAt) },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
