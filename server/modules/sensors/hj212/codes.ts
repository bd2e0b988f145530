/**
 * HJ 212-2017 code tables the dust-monitor listener needs: command numbers (CN), the pollutant/factor codes a
 * construction-site monitor reports, data flags, and the return codes of the 9011/9012 responses.
 */

/** Command numbers (CN) used on the dust-monitor link. Any other CN still parses generically. */
export const CN = {
  /** 上传污染物实时数据 */
  REALTIME: '2011',
  /** 上传设备运行状态数据 */
  STATUS: '2021',
  /** 上传污染物日历史数据 */
  DAILY: '2031',
  /** 上传污染物分钟数据 */
  MINUTE: '2051',
  /** 上传污染物小时数据 */
  HOURLY: '2061',
  /** 请求应答 */
  REQUEST_RESPONSE: '9011',
  /** 执行结果 */
  EXECUTION_RESULT: '9012',
  /** 通知应答 */
  NOTICE_RESPONSE: '9013',
  /** 数据应答 */
  DATA_RESPONSE: '9014',
} as const;

/** zh-CN / English names of the command numbers above (for logs and the UI). */
export const CN_NAMES: Readonly<Record<string, { zh: string; en: string }>> = {
  '2011': { zh: '实时数据', en: 'real-time data' },
  '2021': { zh: '设备运行状态', en: 'equipment status' },
  '2031': { zh: '日数据', en: 'daily data' },
  '2051': { zh: '分钟数据', en: 'minute data' },
  '2061': { zh: '小时数据', en: 'hourly data' },
  '9011': { zh: '请求应答', en: 'request response' },
  '9012': { zh: '执行结果', en: 'execution result' },
  '9013': { zh: '通知应答', en: 'notice response' },
  '9014': { zh: '数据应答', en: 'data response' },
};

/** Uploads from a monitor that the platform answers with 9014 (数据应答) when the frame's Flag asks for an ack. */
export const DATA_UPLOAD_CNS: ReadonlySet<string> = new Set(['2011', '2021', '2031', '2041', '2051', '2061', '2081']);

/** The measured quantity behind a pollutant/factor code (several codes can mean the same quantity, e.g. noise). */
export type Hj212Factor =
  | 'tsp'
  | 'pm10'
  | 'pm25'
  | 'pm1'
  | 'noise'
  | 'temperature'
  | 'humidity'
  | 'pressure'
  | 'windSpeed'
  | 'windDirection';

export interface PollutantInfo {
  factor: Hj212Factor;
  zh: string;
  en: string;
  unit: string;
}

/**
 * The factor codes a construction-site dust monitor reports. Units are the HJ 212 / ambient-air conventions; some
 * devices send other scales (e.g. HJ057 in the test data reports particulates ×1000), so treat units as the expected
 * scale, not a guarantee. `a50001` is the older noise code still sent by some firmware.
 */
export const POLLUTANTS: Readonly<Record<string, PollutantInfo>> = {
  a34001: { factor: 'tsp', zh: '总悬浮颗粒物 TSP', en: 'TSP', unit: 'μg/m³' },
  a34002: { factor: 'pm10', zh: '可吸入颗粒物 PM10', en: 'PM10', unit: 'μg/m³' },
  a34004: { factor: 'pm25', zh: '细颗粒物 PM2.5', en: 'PM2.5', unit: 'μg/m³' },
  a34005: { factor: 'pm1', zh: '亚微米颗粒物 PM1.0', en: 'PM1.0', unit: 'μg/m³' },
  LA: { factor: 'noise', zh: '噪声（A 声级）', en: 'noise (A-weighted level)', unit: 'dB(A)' },
  Leq: { factor: 'noise', zh: '噪声（等效声级）', en: 'noise (equivalent level)', unit: 'dB(A)' },
  a50001: { factor: 'noise', zh: '噪声（旧编码）', en: 'noise (legacy code)', unit: 'dB(A)' },
  a01001: { factor: 'temperature', zh: '温度', en: 'temperature', unit: '℃' },
  a01002: { factor: 'humidity', zh: '湿度', en: 'relative humidity', unit: '%' },
  a01006: { factor: 'pressure', zh: '气压', en: 'air pressure', unit: 'kPa' },
  a01007: { factor: 'windSpeed', zh: '风速', en: 'wind speed', unit: 'm/s' },
  a01008: { factor: 'windDirection', zh: '风向', en: 'wind direction', unit: '°' },
};

/** Data flags of a `xxx-Flag` item (HJ 212-2017 §6.6.4 / Appendix). Any other value is kept and marked unknown. */
export const DATA_FLAGS: Readonly<Record<string, { zh: string; en: string }>> = {
  N: { zh: '正常', en: 'normal' },
  F: { zh: '停运', en: 'stopped' },
  M: { zh: '维护', en: 'maintenance' },
  S: { zh: '手工输入', en: 'manual input' },
  D: { zh: '故障', en: 'fault' },
  C: { zh: '校准', en: 'calibration' },
  T: { zh: '超测上限', en: 'over range' },
  B: { zh: '通讯异常', en: 'communication failure' },
};

/** QnRtn of a 9011 请求应答. */
export const QN_RTN = {
  READY: 1,
  REJECTED: 2,
  BAD_PW: 3,
  BAD_MN: 4,
  BAD_ST: 5,
  BAD_FLAG: 6,
  BAD_QN: 7,
  BAD_CN: 8,
  BAD_CRC: 9,
  UNKNOWN: 100,
} as const;

/** ExeRtn of a 9012 执行结果. */
export const EXE_RTN = {
  SUCCESS: 1,
  FAILED: 2,
  BAD_CONDITION: 3,
  TIMEOUT: 4,
  BUSY: 5,
  SYSTEM_FAULT: 6,
  NO_DATA: 100,
} as const;
