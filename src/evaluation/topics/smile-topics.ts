/** A counseling topic: a stable number and its names in both languages. */
export interface Topic {
  id: number;
  en: string;
  zh: string;
}

/**
 * psysim's default topic set: the 56 topics SMILE (Qiu et al. 2024a) defines in its
 * appendix, in English as published, with Chinese names psysim provides (no official
 * Chinese list exists; see reference/topics.md). Users can supply their own list.
 */
export const SMILE_TOPICS: readonly Topic[] = [
  { id: 1, en: "Mate selection", zh: "择偶" },
  { id: 2, en: "Love issues", zh: "恋爱问题" },
  { id: 3, en: "Post-love issues (relations with an ex)", zh: "分手后问题（与前任的关系）" },
  { id: 4, en: "Marriage issues", zh: "婚姻问题" },
  { id: 5, en: "Concepts-of-sex distress", zh: "性观念困扰" },
  { id: 6, en: "Sexual preference distress", zh: "性偏好困扰" },
  { id: 7, en: "Gender identity / cognition", zh: "性别认同/认知" },
  { id: 8, en: "Sexual orientation", zh: "性取向" },
  { id: 9, en: "Family conflict", zh: "家庭冲突" },
  { id: 10, en: "Child education", zh: "子女教育" },
  { id: 11, en: "Domestic violence", zh: "家庭暴力" },
  { id: 12, en: "Sexual harassment", zh: "性骚扰" },
  { id: 13, en: "Sexual assault", zh: "性侵犯" },
  { id: 14, en: "Bullying", zh: "欺凌" },
  { id: 15, en: "Loss (of significant others or pets)", zh: "丧失（重要他人或宠物）" },
  { id: 16, en: "Setbacks", zh: "挫折" },
  { id: 17, en: "Political violence", zh: "政治暴力" },
  { id: 18, en: "Secondary trauma", zh: "替代性创伤" },
  { id: 19, en: "Trauma from major life events", zh: "重大生活事件创伤" },
  {
    id: 20,
    en: "Psychological-counseling trauma (harm by therapists)",
    zh: "心理咨询创伤（受到咨询师伤害）",
  },
  { id: 21, en: "Health issues", zh: "健康问题" },
  {
    id: 22,
    en: "Psychosomatic symptoms (sleep, appetite, pain)",
    zh: "心身症状（睡眠、食欲、疼痛）",
  },
  { id: 23, en: "School / workplace adaptation", zh: "学校/职场适应" },
  { id: 24, en: "Role-transition adaptation", zh: "角色转变适应" },
  { id: 25, en: "Cultural adaptation", zh: "文化适应" },
  { id: 26, en: "Self-exploration and growth", zh: "自我探索与成长" },
  { id: 27, en: "Personality-trait exploration", zh: "人格特质探索" },
  { id: 28, en: "Exploration of negative self-evaluation", zh: "消极自我评价探索" },
  { id: 29, en: "Exploration of life meaning", zh: "人生意义探索" },
  { id: 30, en: "Emotion regulation / control methods consultation", zh: "情绪调节/控制方法咨询" },
  { id: 31, en: "Depression", zh: "抑郁" },
  { id: 32, en: "Anxiety", zh: "焦虑" },
  { id: 33, en: "Stress", zh: "压力" },
  { id: 34, en: "Obsession", zh: "强迫" },
  { id: 35, en: "Fear", zh: "恐惧" },
  { id: 36, en: "Dilemma / decision-making difficulty", zh: "两难/决策困难" },
  { id: 37, en: "Impulsiveness / loss of control", zh: "冲动/失控" },
  {
    id: 38,
    en: "Interpersonal communication skills / methods consultation",
    zh: "人际沟通技巧/方法咨询",
  },
  { id: 39, en: "Interpersonal conflicts / disputes", zh: "人际冲突/纠纷" },
  { id: 40, en: "Social difficulties / fears", zh: "社交困难/社交恐惧" },
  { id: 41, en: "Learning efficiency / methods", zh: "学习效率/方法" },
  { id: 42, en: "Work efficiency / methods", zh: "工作效率/方法" },
  { id: 43, en: "Job dissatisfaction", zh: "工作不满" },
  { id: 44, en: "Learning dissatisfaction", zh: "学习不满" },
  { id: 45, en: "Occupational burnout", zh: "职业倦怠" },
  { id: 46, en: "Learning fatigue", zh: "学习倦怠" },
  { id: 47, en: "Occupational stress / challenges", zh: "职业压力/挑战" },
  { id: 48, en: "Academic pressure", zh: "学业压力" },
  { id: 49, en: "Dropping out", zh: "辍学/休学" },
  { id: 50, en: "Underemployment / unemployment", zh: "就业不足/失业" },
  { id: 51, en: "Career planning", zh: "职业规划" },
  { id: 52, en: "Professional / career choices and changes", zh: "专业/职业选择与转换" },
  { id: 53, en: "Suspected neuroses and mental disorders", zh: "疑似神经症与精神障碍" },
  { id: 54, en: "Neuroses and mental disorders", zh: "神经症与精神障碍" },
  { id: 55, en: "Self-harm / suicidal tendencies", zh: "自伤/自杀倾向" },
  { id: 56, en: "Harming others / killing", zh: "伤害他人/杀人" },
];
