import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, InlineKeyboard, InputFile, webhookCallback } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatText } from '../../../src/sandbox/emulators/telegram/formatting.ts';
import { TelegramEmulator, TINY_PNG } from '../../../src/sandbox/emulators/telegram/index.ts';

let emu: TelegramEmulator;
let bots: Bot[] = [];
let pollingErrors: unknown[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  emu = new TelegramEmulator();
  await emu.start();
});

afterEach(async () => {
  try {
    for (const bot of bots) if (bot.isRunning()) await bot.stop();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  } finally {
    bots = [];
    await emu.stop();
  }
  expect(pollingErrors).toEqual([]);
  pollingErrors = [];
});

function makeBot(): Bot {
  const bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
  bots.push(bot);
  return bot;
}

/** Starts long polling and resolves once grammY has initialised (bot.start() itself only ends on stop). */
function startPolling(bot: Bot): Promise<void> {
  return new Promise((resolve, reject) => {
    bot.start({ onStart: () => resolve() }).catch((err: unknown) => {
      pollingErrors.push(err);
      reject(err);
    });
  });
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function rawCall(method: string, init?: RequestInit, token = emu.token): Promise<{ status: number; body: unknown }> {
  return fetch(`${emu.apiRoot}/bot${token}/${method}`, init).then(async (res) => ({
    status: res.status,
    body: await res.json(),
  }));
}

describe('TelegramEmulator with a real grammY bot', () => {
  it('runs a /start → inline keyboard → click → answer + edit conversation', async () => {
    const bot = makeBot();
    bot.command('start', (ctx) =>
      ctx.reply('Welcome! What is your complaint about?', {
        reply_markup: new InlineKeyboard().text('Delivery', 'topic:delivery').text('Billing', 'topic:billing'),
      }),
    );
    bot.callbackQuery(/^topic:(.+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: `Topic: ${ctx.match[1]}` });
      await ctx.editMessageText(`You chose <b>${ctx.match[1]}</b>. Describe the problem.`, { parse_mode: 'HTML' });
    });
    await startPolling(bot);

    const alice = emu.createUser({ first_name: 'Alice', username: 'alice', language_code: 'en' });
    const start = emu.sendText(alice, '/start');
    expect(start.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect(start.chat).toEqual({ id: alice.id, type: 'private', first_name: 'Alice', username: 'alice' });

    const reply = await emu.nextBotCall('sendMessage', { chatId: alice.id });
    expect(reply.params).toMatchObject({
      chat_id: alice.id,
      text: 'Welcome! What is your complaint about?',
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'Delivery', callback_data: 'topic:delivery' },
            { text: 'Billing', callback_data: 'topic:billing' },
          ],
        ],
      },
    });
    const [menu] = emu.messagesIn(alice.id);
    expect(menu!.message_id).toBe(start.message_id + 1); // ids are shared by both sides of a chat
    expect(menu!.from?.id).toBe(emu.bot.id);

    const queryId = emu.clickButton(alice, menu!, 'topic:billing');
    const answer = await emu.nextBotCall('answerCallbackQuery');
    expect(answer.params.callback_query_id).toBe(queryId);
    expect(emu.callbackAnswers).toMatchObject([
      { callback_query_id: queryId, data: 'topic:billing', user_id: alice.id, text: 'Topic: billing', show_alert: false },
    ]);

    const edit = await emu.nextBotCall('editMessageText');
    expect(edit.error).toBeUndefined();
    const [edited] = emu.messagesIn(alice.id);
    expect(emu.messagesIn(alice.id)).toHaveLength(1);
    expect(edited!.text).toBe('You chose billing. Describe the problem.');
    expect(edited!.entities).toEqual([{ type: 'bold', offset: 10, length: 7 }]);
    expect(edited!.edit_date).toBeTypeOf('number');
    // Like Telegram, editMessageText without reply_markup removes the keyboard…
    expect(edited!.reply_markup).toBeUndefined();
    // …so the button cannot be pressed any more.
    expect(() => emu.clickButton(alice, menu!, 'topic:billing')).toThrow(/no button with callback_data/);

    expect(emu.calls.map((c) => c.method)).toEqual([
      'getMe',
      'deleteWebhook',
      'sendMessage',
      'answerCallbackQuery',
      'editMessageText',
    ]);
    expect(emu.chatHistory(alice.id).map((m) => m.from?.id)).toEqual([alice.id, emu.bot.id]);
  });

  it('long-polls instead of busy-polling, and delivers an update as soon as it arrives', async () => {
    const bot = makeBot();
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    await startPolling(bot);
    await until(() => emu.stats.getUpdates >= 1);

    const before = emu.stats.getUpdates;
    await sleep(1000);
    expect(emu.stats.getUpdates - before).toBeLessThanOrEqual(1);

    const user = emu.createUser();
    const sentAt = Date.now();
    emu.sendText(user, 'ping');
    const reply = await emu.nextBotCall('sendMessage');
    expect(reply.params.text).toBe('echo: ping');
    expect(Date.now() - sentAt).toBeLessThan(500);
  });

  it('retries a 429 with @grammyjs/auto-retry, honouring retry_after', async () => {
    const bot = makeBot();
    bot.api.config.use(autoRetry());
    bot.on('message:text', (ctx) => ctx.reply(`Got: ${ctx.message.text}`));
    await startPolling(bot);

    emu.failNext('sendMessage', { error_code: 429, retry_after: 1 });
    const user = emu.createUser();
    emu.sendText(user, 'hello');

    const failed = await emu.nextBotCall('sendMessage');
    expect(failed.error).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const retried = await emu.nextBotCall('sendMessage');
    expect(retried.error).toBeUndefined();
    expect(retried.at - failed.at).toBeGreaterThanOrEqual(900);
    expect(emu.messagesIn(user.id).map((m) => m.text)).toEqual(['Got: hello']);
  });

  it('surfaces injected errors to the bot as GrammyError with parameters', async () => {
    const bot = makeBot();
    emu.failNext('getMe', { error_code: 429, retry_after: 7 });
    emu.failNext('*', { error_code: 500, times: 2 });
    await expect(bot.api.getMe()).rejects.toMatchObject({
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: { retry_after: 7 },
    });
    await expect(bot.api.getMe()).rejects.toMatchObject({ error_code: 500, description: 'Internal Server Error' });
    await expect(bot.api.getWebhookInfo()).rejects.toMatchObject({ error_code: 500 });
    await expect(bot.api.getMe()).resolves.toMatchObject({ id: 123456789, is_bot: true });
  });

  it('pushes updates to a webhook with the secret header, retrying failed deliveries', async () => {
    const bot = makeBot();
    bot.on('message:text', (ctx) => ctx.reply(`webhook saw: ${ctx.message.text}`));
    const handleUpdate = webhookCallback(bot, 'http', { secretToken: 's3cr3t_token' });
    const seenSecrets: Array<string | undefined> = [];
    let failNextDelivery = true;
    const hookUrl = await listen(
      createServer((req, res) => {
        seenSecrets.push(req.headers['x-telegram-bot-api-secret-token'] as string | undefined);
        if (failNextDelivery) {
          failNextDelivery = false;
          res.writeHead(502).end();
          return;
        }
        void handleUpdate(req, res);
      }),
    );

    await bot.api.setWebhook(`${hookUrl}/telegram`, { secret_token: 's3cr3t_token' });
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url: `${hookUrl}/telegram`, pending_update_count: 0 });
    await expect(bot.api.getUpdates()).rejects.toMatchObject({
      error_code: 409,
      description: expect.stringContaining("Conflict: can't use getUpdates method while webhook is active") as unknown,
    });

    const user = emu.createUser();
    emu.sendText(user, 'hi');
    const reply = await emu.nextBotCall('sendMessage');
    expect(reply.params.text).toBe('webhook saw: hi');
    expect(seenSecrets).toEqual(['s3cr3t_token', 's3cr3t_token']);
    // grammY answers the push only after its handler has finished.
    await until(() => emu.webhookDeliveries.length === 2);
    expect(emu.webhookDeliveries.map((d) => [d.attempt, d.ok, d.status])).toEqual([
      [1, false, 502],
      [2, true, 200],
    ]);

    // A wrong secret is refused by grammY's webhookCallback: the emulator retries, records and drops.
    await bot.api.setWebhook(`${hookUrl}/telegram`, { secret_token: 'wrong' });
    emu.sendText(user, 'lost');
    await until(() => emu.webhookDeliveries.length === 6);
    await until(() => emu.pendingUpdateCount === 0);
    expect(emu.webhookDeliveries.slice(2).every((d) => !d.ok && d.status === 401)).toBe(true);
    expect((await bot.api.getWebhookInfo()).last_error_message).toContain('401');
    expect(emu.messagesIn(user.id)).toHaveLength(1);
  });

  it('survives an unreachable webhook and executes methods returned in a webhook reply', async () => {
    const bot = makeBot();
    const deadServer = createServer();
    const deadUrl = await listen(deadServer);
    await new Promise<void>((resolve) => deadServer.close(() => resolve()));

    await bot.api.setWebhook(deadUrl);
    const user = emu.createUser();
    emu.sendText(user, 'into the void');
    await until(() => emu.webhookDeliveries.length === 4);
    expect(emu.webhookDeliveries.every((d) => !d.ok && d.error === 'Connection refused')).toBe(true);
    await expect(bot.api.getMe()).resolves.toMatchObject({ id: emu.bot.id });

    // Telegram executes a method the webhook puts in its response body.
    const replyUrl = await listen(
      createServer(async (req, res) => {
        const update = (await readJson(req)) as Update;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: 'sendMessage', chat_id: update.message!.chat.id, text: 'quick reply' }));
      }),
    );
    await bot.api.setWebhook(replyUrl);
    emu.sendText(user, 'anyone?');
    const call = await emu.nextBotCall('sendMessage');
    expect(call).toMatchObject({ via: 'webhook-reply', params: { chat_id: user.id, text: 'quick reply' } });
  });

  it('serves uploaded photos and documents through getFile and the file download URL', async () => {
    const bot = makeBot();
    bot.on('message:photo', async (ctx) => {
      const file = await ctx.getFile();
      const res = await fetch(`${emu.apiRoot}/file/bot${emu.token}/${file.file_path}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      await ctx.replyWithPhoto(new InputFile(bytes, 'echo.png'), { caption: `got ${bytes.length} bytes` });
    });
    bot.on('message:document', async (ctx) => {
      const file = await ctx.getFile();
      const text = await (await fetch(emu.fileUrl(file.file_path!))).text();
      await ctx.replyWithDocument(ctx.message.document.file_id, { caption: `${ctx.message.document.mime_type}: ${text}` });
    });
    await startPolling(bot);
    const user = emu.createUser();

    const photoMessage = emu.sendPhoto(user, { caption: 'receipt' });
    expect(photoMessage.photo).toMatchObject([{ width: 1, height: 1, file_size: TINY_PNG.length }]);
    const sent = await emu.nextBotCall('sendPhoto');
    expect(sent.error).toBeUndefined();
    expect(sent.params.photo).toEqual({
      upload: true,
      filename: 'echo.png',
      contentType: 'application/octet-stream',
      size: TINY_PNG.length,
    });
    expect(sent.params.caption).toBe(`got ${TINY_PNG.length} bytes`);
    const botPhoto = (sent.result as Message).photo!.at(-1)!;
    const file = await bot.api.getFile(botPhoto.file_id);
    expect(file.file_path).toMatch(/^photos\/file_\d+\.png$/);
    const download = await fetch(emu.fileUrl(file.file_path!));
    expect(Buffer.from(await download.arrayBuffer()).equals(TINY_PNG)).toBe(true);

    const docMessage = emu.sendDocument(user, {
      file_name: 'complaint.txt',
      mime_type: 'text/plain',
      data: Buffer.from('the parcel arrived broken'),
    });
    const resent = await emu.nextBotCall('sendDocument');
    expect(resent.params.caption).toBe('text/plain: the parcel arrived broken');
    expect((resent.result as Message).document).toEqual(docMessage.document);

    await expect(bot.api.getFile('no-such-file')).rejects.toMatchObject({
      error_code: 400,
      description: 'Bad Request: invalid file_id',
    });
    expect((await fetch(emu.fileUrl('photos/missing.png'))).status).toBe(404);
    await expect(bot.api.sendPhoto(user.id, new InputFile(Buffer.from('not an image'), 'x.png'))).rejects.toMatchObject({
      description: 'Bad Request: IMAGE_PROCESS_FAILED',
    });
  });
});

describe('TelegramEmulator errors and protocol details', () => {
  it('answers like Telegram for bad edits, bad markup and unknown chats', async () => {
    const bot = makeBot();
    const user = emu.createUser();

    const missing = await bot.api.editMessageText(user.id, 999, 'x').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(GrammyError);
    expect(missing).toMatchObject({ error_code: 400, description: 'Bad Request: message to edit not found' });

    const message = await bot.api.sendMessage(user.id, 'same text');
    await expect(bot.api.editMessageText(user.id, message.message_id, 'same text')).rejects.toMatchObject({
      error_code: 400,
      description: expect.stringContaining('Bad Request: message is not modified') as unknown,
    });
    await expect(bot.api.sendMessage(42, 'hi')).rejects.toMatchObject({ description: 'Bad Request: chat not found' });
    await expect(bot.api.sendMessage(user.id, 'a < b', { parse_mode: 'HTML' })).rejects.toMatchObject({
      description: `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`,
    });
    await expect(bot.api.sendMessage(user.id, 'Total: 5.00', { parse_mode: 'MarkdownV2' })).rejects.toMatchObject({
      description: `Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'`,
    });
    await expect(
      bot.api.sendMessage(user.id, 'x', { reply_markup: new InlineKeyboard().text('too long', 'x'.repeat(65)) }),
    ).rejects.toMatchObject({ description: 'Bad Request: BUTTON_DATA_INVALID' });
    await expect(bot.api.answerCallbackQuery('123')).rejects.toMatchObject({
      description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
    });

    const formatted = await bot.api.sendMessage(user.id, '*Order* \\#42 is _late_', { parse_mode: 'MarkdownV2' });
    expect(formatted.text).toBe('Order #42 is late');
    expect(formatted.entities).toEqual([
      { type: 'bold', offset: 0, length: 5 },
      { type: 'italic', offset: 13, length: 4 },
    ]);

    emu.setBlocked(user);
    await expect(bot.api.sendMessage(user.id, 'hello?')).rejects.toMatchObject({
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });

    await bot.api.deleteMessage(user.id, message.message_id);
    await expect(bot.api.deleteMessage(user.id, message.message_id)).rejects.toMatchObject({
      description: 'Bad Request: message to delete not found',
    });
  });

  it('rejects unknown tokens and methods with Telegram-shaped bodies, and accepts form and query parameters', async () => {
    expect(await rawCall('getMe', undefined, '1:wrong')).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    expect(await rawCall('sendCarrierPigeon')).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: 'Not Found' },
    });
    expect(await rawCall('GETME')).toMatchObject({ status: 200, body: { ok: true, result: { id: emu.bot.id } } });

    const user = emu.createUser();
    const form = await rawCall('sendMessage', {
      method: 'POST',
      body: new URLSearchParams({
        chat_id: String(user.id),
        text: 'from a form',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'Open', url: 'https://example.com' }]] }),
      }),
    });
    expect(form).toMatchObject({ status: 200, body: { ok: true, result: { text: 'from a form' } } });
    const call = await emu.nextBotCall('sendMessage');
    expect(call.params).toEqual({
      chat_id: user.id,
      text: 'from a form',
      reply_markup: { inline_keyboard: [[{ text: 'Open', url: 'https://example.com' }]] },
    });

    const query = await rawCall(`sendChatAction?chat_id=${user.id}&action=typing`);
    expect(query).toEqual({ status: 200, body: { ok: true, result: true } });

    const bot = makeBot();
    await bot.api.setMyCommands([{ command: 'start', description: 'Start over' }]);
    expect(emu.commands()).toEqual([{ command: 'start', description: 'Start over' }]);
    expect(await bot.api.getMyCommands()).toEqual([{ command: 'start', description: 'Start over' }]);
  });

  it('honours offset and limit, waits for the timeout, and ends a poll replaced by another', async () => {
    const user = emu.createUser();
    for (const text of ['one', 'two', 'three']) emu.sendText(user, text);
    type Updates = { ok: true; result: Update[] };
    const first = (await rawCall('getUpdates?limit=2')).body as Updates;
    expect(first.result.map((u) => u.message?.text)).toEqual(['one', 'two']);
    const next = (await rawCall(`getUpdates?offset=${first.result[1]!.update_id + 1}`)).body as Updates;
    expect(next.result.map((u) => u.message?.text)).toEqual(['three']);
    // Confirmed updates are gone.
    const again = (await rawCall('getUpdates')).body as Updates;
    expect(again.result.map((u) => u.message?.text)).toEqual(['three']);

    const startedAt = Date.now();
    const empty = await rawCall(`getUpdates?offset=${next.result[0]!.update_id + 1}&timeout=0.5`);
    expect(empty.body).toEqual({ ok: true, result: [] });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(450);

    const replaced = rawCall('getUpdates?timeout=10');
    await until(() => emu.stats.getUpdates === 5);
    const replacing = rawCall('getUpdates?timeout=10');
    expect(await replaced).toMatchObject({ status: 409, body: { ok: false, error_code: 409 } });
    await until(() => emu.stats.getUpdates === 6);
    emu.sendText(user, 'four');
    expect(((await replacing).body as Updates).result.map((u) => u.message?.text)).toEqual(['four']);
  });

  it('stop() answers pending long polls at once, and waits fail with the recent calls listed', async () => {
    const bot = makeBot();
    const user = emu.createUser();
    await bot.api.sendMessage(user.id, 'first');
    await expect(emu.nextBotCall('sendPhoto', { timeoutMs: 100 })).rejects.toThrow(
      /nextBotCall\(sendphoto\) timed out after 100 ms\. Last calls:\n.*#1 sendMessage chat_id=\d+ text="first" -> ok/,
    );

    const poll = rawCall('getUpdates?timeout=30');
    await until(() => emu.stats.getUpdates === 1);
    const stoppedAt = Date.now();
    await emu.stop();
    expect(await poll).toEqual({ status: 200, body: { ok: true, result: [] } });
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
  });

  it('keeps group chats apart, threads replies and applies group privacy mode', async () => {
    const bot = makeBot();
    bot.on('message:text', (ctx) => ctx.reply('noted', { reply_parameters: { message_id: ctx.message.message_id } }));
    await startPolling(bot);
    const [ann, bob] = [emu.createUser({ first_name: 'Ann' }), emu.createUser({ first_name: 'Bob' })];
    const group = emu.createGroup({ title: 'Support' });
    expect(group).toMatchObject({ type: 'supergroup', title: 'Support' });
    expect(group.id).toBeLessThan(0);

    // Privacy mode: plain chatter and commands for other bots never reach the bot.
    emu.sendText(ann, 'is anyone here?', { chat: group });
    emu.sendText(ann, '/start@some_other_bot', { chat: group });
    expect(emu.pendingUpdateCount).toBe(0);

    const command = emu.sendText(ann, '/help', { chat: group });
    const reply = await emu.nextBotCall('sendMessage', { chatId: group.id });
    expect((reply.result as Message).reply_to_message?.message_id).toBe(command.message_id);
    emu.sendText(bob, 'me too', { chat: group, replyTo: reply.result as Message });
    await emu.nextBotCall('sendMessage', { chatId: group.id });
    emu.sendText(bob, 'thanks @emulated_bot', { chat: group });
    await emu.nextBotCall('sendMessage', { chatId: group.id });

    expect(emu.chatHistory(group.id).map((m) => [m.message_id, m.from?.first_name, m.text])).toEqual([
      [1, 'Ann', 'is anyone here?'],
      [2, 'Ann', '/start@some_other_bot'],
      [3, 'Ann', '/help'],
      [4, 'Emulated Bot', 'noted'],
      [5, 'Bob', 'me too'],
      [6, 'Emulated Bot', 'noted'],
      [7, 'Bob', 'thanks @emulated_bot'],
      [8, 'Emulated Bot', 'noted'],
    ]);
    expect(emu.messagesIn(ann.id)).toEqual([]);
  });
});

describe('parse modes', () => {
  it('turns HTML into text and entities the way Telegram does', () => {
    expect(
      formatText('<b>Order <i>#42</i></b> &lt;late&gt; <a href="https://x.test/?a=1&amp;b=2">track</a>', 'HTML', undefined),
    ).toEqual({
      text: 'Order #42 <late> track',
      entities: [
        { type: 'bold', offset: 0, length: 9 },
        { type: 'italic', offset: 6, length: 3 },
        { type: 'text_link', offset: 17, length: 5, url: 'https://x.test/?a=1&b=2' },
      ],
    });
    expect(formatText('<pre><code class="language-ts">let x;</code></pre>', 'HTML', undefined).entities).toEqual([
      { type: 'pre', offset: 0, length: 6, language: 'ts' },
    ]);
    expect(() => formatText('<b><i>x</b></i>', 'HTML', undefined)).toThrow(
      `can't parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`,
    );
    expect(() => formatText('<br>', 'HTML', undefined)).toThrow('Unsupported start tag "br" at byte offset 0');
  });

  it('turns MarkdownV2 into text and entities, with UTF-16 offsets', () => {
    expect(formatText('😀 *bold _both_* ||hidden|| `a\\`b` [go](https://x.test/a\\)b)', 'MarkdownV2', undefined)).toEqual({
      text: '😀 bold both hidden a`b go',
      entities: [
        { type: 'bold', offset: 3, length: 9 },
        { type: 'italic', offset: 8, length: 4 },
        { type: 'spoiler', offset: 13, length: 6 },
        { type: 'code', offset: 20, length: 3 },
        { type: 'text_link', offset: 24, length: 2, url: 'https://x.test/a)b' },
      ],
    });
    expect(() => formatText('*never closed', 'MarkdownV2', undefined)).toThrow(
      "can't parse entities: Can't find end of Bold entity at byte offset 0",
    );
  });
});
