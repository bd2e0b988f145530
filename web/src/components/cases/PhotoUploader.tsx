/**
 * Photos as evidence: each chosen file is uploaded at once (POST /api/v1/media), shown as a thumbnail
 * with its progress, removable, and with what the server noticed (no capture time, old photo …) and —
 * when the photo carries GPS — how far it was taken from the chosen point.
 */
import { CameraOutlined, CloseOutlined, ExclamationCircleFilled, ReloadOutlined } from '@ant-design/icons';
import { Button, Image, Progress, Tooltip, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { MEDIA_ACCEPT, MEDIA_MAX_BYTES } from '../../../../common/media.ts';
import { uploadFile } from '../../api.ts';
import { errorMessage } from '../ErrorAlert.tsx';
import type { TMedia } from './caseApi.ts';
import { distanceM, formatDistance } from './caseFormat.tsx';
import './cases.css';

export const MAX_PHOTOS = 9;
/** A photo taken farther than this from the case's point gets a warning. */
const FAR_M = 300;

export interface PhotoItem {
  uid: string;
  name: string;
  status: 'uploading' | 'done' | 'error';
  percent: number;
  media?: TMedia;
  error?: string;
  /** The point sent with the upload (the server then warns about distance itself). */
  sentNear?: { lat: number; lng: number } | null;
  /** A local object URL shown until the server's thumbnail exists. */
  localUrl: string;
  file: File;
}

/** The ids of the uploaded photos, in the order chosen. */
export function photoIds(items: readonly PhotoItem[] | undefined): string[] {
  return (items ?? []).flatMap((p) => (p.status === 'done' && p.media ? [p.media.id] : []));
}

/** A form rule: every photo uploaded, at least `min`. */
export function photosRule(min: number, label = '照片') {
  return {
    validator: (_: unknown, v: PhotoItem[] | undefined) => {
      const items = v ?? [];
      if (items.some((p) => p.status === 'uploading')) return Promise.reject(new Error('照片正在上传,请稍候'));
      if (items.some((p) => p.status === 'error')) return Promise.reject(new Error('有照片上传失败,请重试或移除'));
      if (items.length < min) return Promise.reject(new Error(`请上传至少 ${min} 张${label}`));
      return Promise.resolve();
    },
  };
}

let seq = 0;

export function PhotoUploader({
  value,
  onChange,
  near,
  id,
  buttonText = '拍照 / 选择照片',
  testId = 'photo-uploader',
}: {
  value?: PhotoItem[];
  onChange?: (items: PhotoItem[]) => void;
  /** The case's point (WGS-84): photos with GPS farther away than 300 m are flagged. */
  near?: { lat: number; lng: number } | null;
  id?: string;
  buttonText?: string;
  testId?: string;
}) {
  const [items, setItems] = useState<PhotoItem[]>(value ?? []);
  const aborts = useRef(new Map<string, () => void>());
  const emitted = useRef<PhotoItem[] | undefined>(value);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  // The form reset the field: drop the photos here too.
  useEffect(() => {
    if (value !== emitted.current && (value === undefined || value.length === 0)) setItems([]);
  }, [value]);

  useEffect(() => {
    emitted.current = items;
    onChangeRef.current?.(items);
  }, [items]);

  // Stop uploads and free the previews when the uploader goes away.
  useEffect(() => {
    const pending = aborts.current;
    return () => {
      for (const abort of pending.values()) abort();
    };
  }, []);

  const patch = (uid: string, p: Partial<PhotoItem>) =>
    setItems((list) => list.map((it) => (it.uid === uid ? { ...it, ...p } : it)));

  const nearRef = useRef(near);
  nearRef.current = near;

  const start = (item: PhotoItem) => {
    if (item.file.size > MEDIA_MAX_BYTES) {
      patch(item.uid, { status: 'error', error: `文件超过 ${MEDIA_MAX_BYTES / 1024 / 1024} MB 上限` });
      return;
    }
    const at = nearRef.current ?? null;
    patch(item.uid, { sentNear: at });
    const h = uploadFile<TMedia>('/api/v1/media', item.file, {
      fields: at ? { lat: String(at.lat), lng: String(at.lng) } : undefined,
      onProgress: (f) => patch(item.uid, { percent: Math.min(99, Math.round(f * 100)) }),
    });
    aborts.current.set(item.uid, h.abort);
    h.promise.then(
      (media) => patch(item.uid, { status: 'done', percent: 100, media }),
      (e: unknown) => {
        if (e instanceof DOMException && e.name === 'AbortError') return;
        patch(item.uid, { status: 'error', error: errorMessage(e) });
      },
    );
    h.promise.finally(() => aborts.current.delete(item.uid)).catch(() => undefined);
  };

  const count = useRef(items.length);
  count.current = items.length;

  const add = (file: File) => {
    if (count.current >= MAX_PHOTOS) return;
    count.current += 1;
    seq += 1;
    const item: PhotoItem = {
      uid: `p${Date.now()}-${seq}`,
      name: file.name,
      status: 'uploading',
      percent: 0,
      localUrl: URL.createObjectURL(file),
      file,
    };
    setItems((list) => [...list, item]);
    start(item);
  };

  const remove = (uid: string) => {
    aborts.current.get(uid)?.();
    setItems((list) => {
      const it = list.find((x) => x.uid === uid);
      if (it) URL.revokeObjectURL(it.localUrl);
      return list.filter((x) => x.uid !== uid);
    });
  };

  const retry = (it: PhotoItem) => {
    patch(it.uid, { status: 'uploading', percent: 0, error: undefined });
    start(it);
  };

  const full = items.length >= MAX_PHOTOS;

  return (
    <div className="gc-photos" data-testid={testId} id={id}>
      <Image.PreviewGroup>
        <div className="gc-photo-grid">
          {items.map((it) => {
            const warnings = [...(it.media?.warnings ?? [])];
            const m = it.media;
            const told = it.sentNear && near && distanceM(it.sentNear, near) < 1;
            if (!told && near && m && m.exifLat !== null && m.exifLng !== null) {
              const d = distanceM(near, { lat: m.exifLat, lng: m.exifLng });
              if (d > FAR_M) warnings.push(`拍摄位置距问题位置约 ${formatDistance(d)}`);
            }
            return (
              <div key={it.uid} className="gc-photo-cell" data-status={it.status}>
                <div className="gc-photo-thumb">
                  <Image
                    src={m?.thumbUrl ?? it.localUrl}
                    preview={{ src: m?.url ?? it.localUrl }}
                    alt={it.name}
                    width="100%"
                    height="100%"
                    style={{ objectFit: 'cover' }}
                  />
                  {it.status === 'uploading' && (
                    <div className="gc-photo-overlay">
                      <Progress
                        type="circle"
                        percent={it.percent}
                        size={44}
                        strokeColor="#fff"
                        railColor="rgba(255,255,255,.3)"
                      />
                    </div>
                  )}
                  {it.status === 'error' && (
                    <div className="gc-photo-overlay gc-photo-overlay-error">
                      <Button size="small" icon={<ReloadOutlined />} onClick={() => retry(it)}>
                        重试
                      </Button>
                    </div>
                  )}
                  <button type="button" className="gc-photo-remove" title="移除" onClick={() => remove(it.uid)}>
                    <CloseOutlined />
                  </button>
                </div>
                {it.status === 'error' && (
                  <Typography.Text type="danger" className="gc-photo-note">
                    {it.error}
                  </Typography.Text>
                )}
                {warnings.length > 0 && (
                  <Tooltip title={warnings.join(';')}>
                    <Typography.Text type="warning" className="gc-photo-note" data-testid="photo-warning">
                      <ExclamationCircleFilled /> {warnings.join(';')}
                    </Typography.Text>
                  </Tooltip>
                )}
              </div>
            );
          })}
          {!full && (
            <Upload
              accept={MEDIA_ACCEPT}
              multiple
              showUploadList={false}
              beforeUpload={(file) => {
                add(file);
                return Upload.LIST_IGNORE;
              }}
            >
              <button type="button" className="gc-photo-add">
                <CameraOutlined style={{ fontSize: 22 }} />
                <span>{buttonText}</span>
              </button>
            </Upload>
          )}
        </div>
      </Image.PreviewGroup>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        最多 {MAX_PHOTOS} 张;照片中的拍摄时间和位置将作为证据保留
      </Typography.Text>
    </div>
  );
}
