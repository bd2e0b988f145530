/** Before and after, side by side (one preview group, so the viewer can flip between them). */
import { ExclamationCircleFilled } from '@ant-design/icons';
import { Image, Tooltip, Typography } from 'antd';
import type { TCaseDetail } from '../../../../common/cases.ts';
import { formatDateTime } from '../../format.ts';

type TPhoto = TCaseDetail['photos'][number];

function PhotoList({ photos, testId }: { photos: TPhoto[]; testId: string }) {
  if (photos.length === 0)
    return (
      <Typography.Text type="secondary" data-testid={testId} data-count={0}>
        暂无照片
      </Typography.Text>
    );
  return (
    <div className="gc-case-photo-list" data-testid={testId} data-count={photos.length}>
      {photos.map((p) => (
        <div key={p.id}>
          <Image src={p.thumbUrl} preview={{ src: p.url }} alt="照片" />
          <div className="gc-event-meta">
            {p.takenAt ? `拍摄 ${formatDateTime(p.takenAt)}` : '无拍摄时间'}
            {p.warnings.length > 0 && (
              <Tooltip title={p.warnings.join(';')}>
                {' '}
                <Typography.Text type="warning">
                  <ExclamationCircleFilled />
                </Typography.Text>
              </Tooltip>
            )}
          </div>
        </div>
      ))}
    </div>
  );
}

export function CasePhotos({ photos }: { photos: TPhoto[] }) {
  const before = photos.filter((p) => p.stage === 'before');
  const after = photos.filter((p) => p.stage === 'after');
  const others = photos.filter((p) => p.stage !== 'before' && p.stage !== 'after');
  return (
    <Image.PreviewGroup>
      <div className="gc-case-photos">
        <div className="gc-case-photos-col">
          <div className="gc-case-photos-title">处置前</div>
          <PhotoList photos={before} testId="photos-before" />
        </div>
        <div className="gc-case-photos-col">
          <div className="gc-case-photos-title">处置后</div>
          <PhotoList photos={after} testId="photos-after" />
        </div>
      </div>
      {others.length > 0 && (
        <div style={{ marginTop: 12 }}>
          <div className="gc-case-photos-title">核查及其他照片</div>
          <PhotoList photos={others} testId="photos-other" />
        </div>
      )}
    </Image.PreviewGroup>
  );
}
