/** The fake WeChat official-account platform: see server.ts. */
export { WechatEmulator, EmulatedUser } from './server.ts';
export type { WechatEmulatorOptions, RecordedCall, SentMessage, PushOptions, PushRequest, PushResult } from './server.ts';
export { wechatSign, sealForApp, openFromWechat } from './crypto.ts';
