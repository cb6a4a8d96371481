/** Secrets and endpoints come from the environment; everything else from the config file. */
import { z } from 'zod';

const optionalText = z.string().trim().min(1).optional().catch(undefined);
const url = (name: string) => z.string().trim().url(`${name} must be a URL like https://example.com`).optional();

export const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgresql://')
    .optional(),
  CONFIG_FILE: z.string().trim().min(1).default('complaint-bot.example.yaml'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  PORT: z.coerce.number({ error: 'PORT must be a port number from 0 to 65535' }).int('PORT must be a whole number').min(0, 'PORT must be 0–65535').max(65535, 'PORT must be 0–65535').default(3000),
  TELEGRAM_BOT_TOKEN: z.string().trim().regex(/^\d+:[\w-]+$/, 'TELEGRAM_BOT_TOKEN must look like 123456:ABC-DEF…').optional(),
  TELEGRAM_API_ROOT: url('TELEGRAM_API_ROOT'),
  TELEGRAM_WEBHOOK_URL: url('TELEGRAM_WEBHOOK_URL'),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (1–256 characters)')
    .optional(),
  FEISHU_APP_ID: z.string().trim().min(1).optional(),
  FEISHU_APP_SECRET: z.string().trim().min(1).optional(),
  FEISHU_DOMAIN: z.string().trim().default('https://open.feishu.cn'),
  FEISHU_EVENT_MODE: z.enum(['ws', 'http'], { message: 'FEISHU_EVENT_MODE must be "ws" or "http"' }).default('ws'),
  FEISHU_ENCRYPT_KEY: z.string().trim().min(1).optional(),
  FEISHU_VERIFICATION_TOKEN: optionalText,
  WECHATY_PUPPET: z
    .string()
    .trim()
    .regex(/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/, 'WECHATY_PUPPET must be a puppet package name like wechaty-puppet-service')
    .refine((v) => v !== 'wechaty-puppet-official-account', 'WECHATY_PUPPET: wechaty-puppet-official-account is not supported (it checks no signatures); set WECHAT_OA_APP_ID, WECHAT_OA_APP_SECRET and WECHAT_OA_TOKEN instead')
    .optional(),
  WECHATY_PUPPET_TOKEN: z.string().trim().min(1).optional(),
  WECHAT_OA_APP_ID: z.string().trim().regex(/^wx[0-9a-f]{16}$/, 'WECHAT_OA_APP_ID must be the official account AppID: "wx" and 16 hex digits').optional(),
  WECHAT_OA_APP_SECRET: z.string().trim().regex(/^[0-9A-Za-z]{32}$/, 'WECHAT_OA_APP_SECRET must be the 32-character AppSecret').optional(),
  WECHAT_OA_TOKEN: z.string().trim().regex(/^[0-9A-Za-z]{3,32}$/, 'WECHAT_OA_TOKEN must be the server Token: 3–32 letters or digits').optional(),
  WECHAT_OA_AES_KEY: z.string().trim().regex(/^[0-9A-Za-z]{43}$/, 'WECHAT_OA_AES_KEY must be the 43-character EncodingAESKey').optional(),
  WECHAT_API_BASE: z.string().trim().url('WECHAT_API_BASE must be a URL like https://api.weixin.qq.com').default('https://api.weixin.qq.com'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  SHUTDOWN_TIMEOUT: z.coerce
    .number({ error: 'SHUTDOWN_TIMEOUT must be a number of seconds, e.g. 10' })
    .min(1, 'SHUTDOWN_TIMEOUT must be 1–600 seconds')
    .max(600, 'SHUTDOWN_TIMEOUT must be 1–600 seconds')
    .default(10),
});

export type Env = z.infer<typeof envSchema>;
