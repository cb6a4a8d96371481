/**
 * What a WeChat customer reads instead, where the common text names something WeChat does not have:
 * buttons (WeChat shows them as a numbered list, and the words "跳过"/"完成" work typed) and slash
 * commands (WeChat has no command menu; the command words 投诉, 我的投诉, 查询 … work typed).
 * Looked up before the language's catalogue when the message goes to WeChat.
 */
import type { MessageKey } from './zh.ts';

export const wechatZh: Partial<Record<MessageKey, string>> = {
  'customer.welcome': '您好，这里是{company}的投诉受理服务。直接回复下面的词即可：\n“投诉” 登记投诉\n“我的投诉” 查看您的投诉\n“查询 编号” 查询进度\n“补充 编号” 补充信息或照片\n“撤销 编号” 撤销投诉\n“申诉 编号” 对处理结果申诉\n“我的数据” 查看我们保存的您的个人信息\n“删除我的数据” 申请删除您的个人信息\n“语言” 切换语言 / language\n“取消” 随时退出当前操作',
  'customer.hint': '如需登记投诉，请回复“投诉”；回复“我的投诉”查看您的投诉，回复“帮助”查看全部用法。',
  'customer.askPhone': '请留下联系电话（手机号或国际号码），不想留请回复“跳过”：',
  'customer.summary': '请确认投诉内容：\n{fields}\n\n确认提交吗？如需修改某一项，请回复对应的数字。',
  'customer.staleButton': '这个选项已失效，请按最新的提示回复。',
  'customer.unknownCommand': '不认识的指令 {command}。可以直接回复：“投诉” 登记投诉，“我的投诉”，“查询 编号”，“补充 编号”，“撤销 编号”，“申诉 编号”，“我的数据”，“删除我的数据”，“语言”，“取消”。',
  'customer.nothingInProgress': '当前没有进行中的操作。回复“帮助”查看用法。',
  'customer.busy': '您正在登记一条投诉，请先完成（或回复“取消”）后再进行其他操作。',
  'customer.notFound': '在您的投诉中没有找到 {number}。回复“我的投诉”查看您的投诉。',
  'customer.file.navigation': '（任何一步：回复“返回”回到上一步，回复“取消”取消登记。）',
  'customer.file.askAttachments': '现在可以发送照片或文件作为证据（最多 {maxFiles} 个，已收到 {count} 个）。发送完毕请回复“完成”。',
  'customer.file.attachmentReceived': '已收到 {count} 个照片/文件。可以继续发送，发送完毕请回复“完成”。',
  'customer.file.attachmentsNeedMedia': '这一步请发送照片或文件；没有的话请回复“完成”。',
  'customer.file.nothingBack': '已经是第一步了。回复“取消”可取消登记。',
  'customer.file.resumed': '您有一条正在登记的投诉，我们从上次停下的地方继续（回复“取消”可重新开始）：',
  'customer.file.offerDeclined': '好的，没有登记。需要时随时回复“投诉”登记投诉。',
  'customer.my.none': '您还没有投诉记录。回复“投诉”登记投诉。',
  'customer.my.footer': '回复数字查看详情；“补充 编号”补充信息，“撤销 编号”撤销，“申诉 编号”申诉。',
  'customer.add.ask': '请发送要补充到 {number} 的文字（不超过 {max} 字）、照片或文件，发送完毕请回复“完成”。',
  'customer.add.recorded': '已补充到 {number}，处理部门可以看到。可以继续发送，完毕请回复“完成”。',
  'customer.add.notOpen': '投诉 {number} 目前为“{status}”，不能再补充。如对处理不满意，可回复“申诉 {number}”。',
  'customer.rate.askComment': '还有什么想对我们说的吗？可以直接写下来，也可以回复“跳过”。',
  'customer.rate.closedNoResponse': '由于没有收到您的评价，投诉 {number} 已关闭。如对处理结果不满意，可回复“申诉 {number}”。',
  'customer.input.edited': '我只能读取新消息，看不到对旧消息的修改。请把修改后的内容重新发送一次（登记中可回复“返回”回到上一步）。',
  'mydata.footer': '如需删除这些信息，请回复“删除我的数据”。',
  'customer.limit.complaints': '24 小时内最多可登记 {limit} 条投诉，您已达到上限。{time} 之后可以再登记；在此之前可以回复“补充 编号”为已有投诉补充信息。',
};

export const wechatEn: Partial<Record<MessageKey, string>> = {
  'customer.welcome': 'Hello, this is the complaint service of {company}. Just reply with a word:\n"complain" to file a complaint\n"my" your complaints\n"status <number>" how one is going\n"add <number>" add information or photos\n"withdraw <number>" withdraw a complaint\n"appeal <number>" appeal how it was handled\n"mydata" what we store about you\n"forget" ask us to delete your personal data\n"language" 语言 / language\n"cancel" leaves whatever is in progress',
  'customer.hint': 'To file a complaint, reply "complain"; "my" lists your complaints, "help" shows everything you can do.',
  'customer.askPhone': 'Your contact phone (mobile or international number), or reply "skip":',
  'customer.summary': 'Please check your complaint:\n{fields}\n\nSubmit it? To change a part, reply with its number.',
  'customer.staleButton': 'That choice is no longer active; please answer the latest message.',
  'customer.unknownCommand': 'Unknown command {command}. You can reply: "complain", "my", "status <number>", "add <number>", "withdraw <number>", "appeal <number>", "mydata", "forget", "language", "cancel".',
  'customer.nothingInProgress': 'Nothing is in progress. Reply "help" to see what you can do.',
  'customer.busy': 'You are filing a complaint; please finish it (or reply "cancel") first.',
  'customer.notFound': 'No complaint {number} was found among yours. Reply "my" to see your complaints.',
  'customer.file.navigation': '(At any step: reply "back" to go one step back, "cancel" to stop.)',
  'customer.file.askAttachments': 'You can now send photos or files as evidence (up to {maxFiles}; {count} received). Reply "done" when finished.',
  'customer.file.attachmentReceived': 'Received {count} photo(s)/file(s). Send more, or reply "done".',
  'customer.file.attachmentsNeedMedia': 'At this step, please send photos or files; if you have none, reply "done".',
  'customer.file.nothingBack': 'This is the first step. Reply "cancel" to stop filing.',
  'customer.file.resumed': 'You are in the middle of filing a complaint; let us continue where you left off (reply "cancel" to start over):',
  'customer.file.offerDeclined': 'OK, nothing was filed. Reply "complain" whenever you want to file a complaint.',
  'customer.my.none': 'You have no complaints yet. Reply "complain" to file one.',
  'customer.my.footer': 'Reply with a number for details; "add <number>" adds information, "withdraw <number>" withdraws, "appeal <number>" appeals.',
  'customer.add.ask': 'Send the text (at most {max} characters), photos or files to add to {number}; reply "done" when finished.',
  'customer.add.recorded': 'Added to {number}; the department can see it. Send more, or reply "done".',
  'customer.add.notOpen': 'Complaint {number} is "{status}" and takes no additions. If you disagree with how it was handled, reply "appeal {number}".',
  'customer.rate.askComment': 'Anything else you would like to tell us? Write it now, or reply "skip".',
  'customer.rate.closedNoResponse': 'As we received no rating, complaint {number} has been closed. If you are not satisfied with the outcome, reply "appeal {number}".',
  'customer.input.edited': 'I only read new messages, not edits. Please send the corrected text again as a new message (while filing, reply "back" to go one step back).',
  'mydata.footer': 'To have this deleted, reply "forget".',
  'customer.limit.complaints': 'You have filed {limit} complaints in the last 24 hours, the most we accept. You can file a new one after {time}; meanwhile "add <number>" adds information to an existing complaint.',
};
