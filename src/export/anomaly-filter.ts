/**
 * A rule-based (baseline) filter for the anomalies the paper saw in counselors trained on
 * real sessions (§5.4: names, questionnaire content, "our counseling time is up"), plus
 * phone numbers. Patterns, not understanding: it flags for a human to look, it does not
 * judge, and it misses paraphrases. The counselor persona's own name (小天 / Xiaotian,
 * given by the Figure 9 prompt) is not a personal name here.
 */
export const ANOMALY_KINDS = [
  "personal-name",
  "phone-number",
  "questionnaire",
  "session-time-up",
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export interface Anomaly {
  kind: AnomalyKind;
  /** The text that matched, for the report. */
  match: string;
}

// Common surnames, for "<surname>老师"-style forms of address; a short list keeps false alarms down.
const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严赖覃洪武莫孔";

const PATTERNS: Record<AnomalyKind, RegExp[]> = {
  "personal-name": [
    /我(?:叫|的名字(?:是|叫))\s*(?!小天)[\u4e00-\u9fff]{2,3}/u,
    new RegExp(`[${SURNAMES}](?:老师|医生|咨询师|先生|女士|小姐)`, "u"),
    /\bmy name is (?!Xiaotian\b)[A-Z][a-z]+/u,
    /\b(?:Dr|Mr|Mrs|Ms|Miss)\.? [A-Z][a-z]+/u,
  ],
  "phone-number": [
    /(?<!\d)1[3-9]\d{9}(?!\d)/u, // mainland mobile
    /(?<!\d)(?:0\d{2,3}|400|800)[- ]?\d{3,4}[- ]?\d{4}(?!\d)/u, // landline and hotline
    /(?<!\d)(?:\+?\d{1,3}[ .-]?)?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?!\d)/u, // North American style
  ],
  questionnaire: [
    /问卷|量表|测评表|自评表|SCL-?90|PHQ-?9|GAD-?7|MMPI|(?<![A-Za-z])S[AD]S(?![A-Za-z])/iu,
    /\bquestionnaires?\b|\bsurvey form\b|\bBeck Depression Inventory\b|\bassessment form\b/iu,
  ],
  "session-time-up": [
    /时间(?:快)?到了|时间差不多(?:了|到了)|今天(?:的咨询)?(?:就|先)到这里|咨询时间(?:已经)?(?:到|结束)|本次咨询(?:就)?(?:要)?结束/u,
    /\b(?:our|the) (?:counseling |counselling |session )?time is (?:up|over)\b|\bout of time\b|\ball the time we have\b|\btime'?s up\b|\bour session is (?:over|ending)\b|\bwe (?:have|need) to stop (?:here|now)\b/iu,
  ],
};

export function findAnomalies(reply: string): Anomaly[] {
  const found: Anomaly[] = [];
  for (const kind of ANOMALY_KINDS) {
    for (const pattern of PATTERNS[kind]) {
      const m = pattern.exec(reply);
      if (m) {
        found.push({ kind, match: m[0] });
        break;
      }
    }
  }
  return found;
}
