/**
 * Chinese texts of issue 10's quarterly and yearly reports (`report.`), the archive (`archive.`) and
 * the "customer answered" task of complaints without a chat (`answerTask.`).
 */
export const reportsZh = {
  // Reports over a month, a quarter, a year (/report, the quarterly and yearly jobs)
  'report.title.month': '{scope} 投诉月度汇总 {label}',
  'report.title.quarter': '{scope} 投诉季度审查 {label}',
  'report.title.year': '{scope} 投诉年度总结 {label}',
  'report.soFar': '⏳ 本期尚未结束：以下为截至 {at} 的数据。',
  'report.line.new': '新增 **{n}**',
  'report.line.resolved': '办结 **{n}**',
  'report.openAtEnd': '期末未结 **{open}**，其中超时 **{overdue}**',
  'report.openNow': '目前未结 **{open}**，其中超时 **{overdue}**',
  'report.trend': '按月趋势',
  'report.measures': '已采取的改进措施',
  'report.measure': '{i}. {measure}（{cause}）：{n} 件',
  'report.breaches': '超过最长办理时限的投诉：{n} 件',
  'report.breach.resolved': '{number} · {department} · 时限 {limit}，超出 {over}后办结',
  'report.breach.open': '{number} · {department} · 时限 {limit}，已超出 {over}，仍未办结',
  'report.appeals': '申诉：{n} 件',
  'report.appeal': '{number} · {department} · {at}',
  'report.more': '……另有 {n} 件',
  'report.days': '{d} 天',
  'report.command.usage': '用法：/report 2026-11（月度）、/report 2026-Q3（季度）或 /report 2026（年度）',
  'report.command.badPeriod': '“{text}”不是月份、季度或年份。用法：/report 2026-11（月度）、/report 2026-Q3（季度）或 /report 2026（年度）',
  'report.command.future': '{text} 尚未开始，还没有数据。',
  'report.command.managersOnly': '报告只在管理层群里提供，请在管理层群里发送 /report。',
  // Archive (归档): closed complaints become read-only
  'archive.toast': '{number} 已归档，只能查看，不能再操作。',
  'archive.customer': '投诉 {number} 已归档，只能查询进度（/status {number}），不能再补充、申诉或撤销。如有新的问题，请发送 /complain 重新投诉。',
  'archive.status': '🗄 已于 {at} 归档（只读）',
  'card.archived': '🗄 **已归档**（{at}）：只读，此卡片不再更新。',
  'card.event.archive': '归档',
  // The question asked by phone to a customer without a chat, and the answer staff record
  'answerTask.question': '☎ **向客户询问**：{text}\n（{who} 于 {when} 提问；计时已暂停，等客户回答）',
  'answerTask.input': '客户的回答（电话中客户怎么说）',
  'answerTask.button': '记录客户回答',
  'answerTask.lastAnswer': '✓ 客户回答（{who} 记录 · {when}）：{text}',
  'answerTask.field': '客户的回答',
  'answerTask.toast.recorded': '已记录客户的回答（{number}），计时已恢复',
  'answerTask.toast.hasChat': '该客户有在线对话，其回答会在对话中自动记录',
} as const;
