// The sandbox page: customers on the left (Telegram- and WeChat-style chats), the Feishu groups on the
// right (cards drawn by card-renderer.js from their real JSON), the simulated clock on top. Every action
// goes to the sandbox API, which acts through the platform emulators as the real user would; the page
// re-reads the state whenever the server-sent events say something changed.
// Views: Preact + htm, ES modules served from node_modules (no build step).
import { h, render } from 'preact';
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';
import htm from 'htm';
import { renderCard, renderText } from './card-renderer.js';
import { translate } from './i18n.js';

const html = htm.bind(h);

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error ?? `HTTP ${res.status}`);
  return json;
}

function fmt(ms, tz, lang, withWeekday = false) {
  const opts = { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false };
  if (withWeekday) opts.weekday = 'short';
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', opts).format(new Date(ms));
}

function useAutoScroll(dep) {
  const ref = useRef(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [dep]);
  return ref;
}

function Banner({ state, t, lang, setLang, onReset }) {
  const vars = Object.entries(state.credentials).map(([channel, names]) => html`<span> ${channel}: ${names.map((n) => html`<code>${n}</code> `)}</span>`);
  return html`<div class="banner" data-testid="banner">
    <span class="badge">SANDBOX</span>
    <span>${t('banner')}</span>
    <span class="spacer"></span>
    <span>${state.company}</span>
    <button data-testid="language" onClick=${() => setLang(lang === 'zh' ? 'en' : 'zh')}>${t('language')}</button>
    <button data-testid="reset" onClick=${onReset}>${t('reset')}</button>
    <div class="vars">${t('goLive')} ${vars}</div>
  </div>`;
}

function TimeBar({ state, t, lang, onStep, busy }) {
  const { clock } = state;
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const now = clock.now + (Date.now() - clock.wall);
  const moving = clock.moving || busy;
  return html`<div class="timebar" data-tick=${tick}>
    <span>${t('clock')}</span>
    <span class="now" data-testid="clock" data-now=${now}>${fmt(now, clock.timeZone, lang, true)}</span>
    <span style="color:#8f959e;font-size:12px">${clock.timeZone}</span>
    ${['hour', 'workday', 'digest', 'month'].map(
      (step) => html`<button data-testid=${`step-${step}`} disabled=${Boolean(moving)} onClick=${() => onStep(step)}>${t(`step.${step}`)}<small>→ ${fmt(clock.targets[step], clock.timeZone, lang, true)}</small></button>`,
    )}
    ${moving ? html`<span class="moving" data-testid="moving">${t('moving')}</span>` : null}
  </div>`;
}

function Composer({ t, onSend, onPhoto, testid }) {
  const [text, setText] = useState('');
  const submit = (e) => {
    e.preventDefault();
    if (!text.trim()) return;
    onSend(text);
    setText('');
  };
  const pick = (e) => {
    const file = e.target.files?.[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => onPhoto(String(reader.result));
    reader.readAsDataURL(file);
    e.target.value = '';
  };
  return html`<form class="composer" onSubmit=${submit} data-testid=${testid}>
    ${onPhoto ? html`<label class="file" title=${t('photo')}>📎<input type="file" accept="image/*" data-testid="photo" onChange=${pick} /></label>` : null}
    <input type="text" placeholder=${t('typeMessage')} value=${text} onInput=${(e) => setText(e.target.value)} data-testid="text" />
    <button type="submit">${t('send')}</button>
  </form>`;
}

function TelegramChat({ customer, t, lang, tz, act }) {
  const ref = useAutoScroll(customer.messages.length + JSON.stringify(customer.messages.at(-1) ?? ''));
  return html`<div class="chat tg" ref=${ref} data-testid="chat">
      ${customer.messages.length === 0 ? html`<div class="empty">${t('start')}</div>` : null}
      ${customer.messages.map(
        (m) => html`<div class=${`bubble ${m.from}`} data-from=${m.from}>
          ${m.photo ? html`<img src=${m.photo} alt="photo" />` : null}
          ${m.text}
          ${m.buttons?.length
            ? html`<div class="inline">${m.buttons.map(
                (row) => html`<div class="row">${row.map((b) => html`<button onClick=${() => act('/sandbox/api/customer/press', { customer: customer.id, messageId: Number(m.id), data: b.data })}>${b.text}</button>`)}</div>`,
              )}</div>`
            : null}
          <span class="time">${fmt(m.at, tz, lang).slice(-5)}</span>
        </div>`,
      )}
    </div>
    ${customer.keyboard?.length
      ? html`<div class="keyboard">${customer.keyboard.flat().map((label) => html`<button onClick=${() => act('/sandbox/api/customer/say', { customer: customer.id, text: label })}>${label}</button>`)}</div>`
      : null}
    <${Composer}
      t=${t}
      testid="composer"
      onSend=${(text) => act('/sandbox/api/customer/say', { customer: customer.id, text })}
      onPhoto=${(data) => act('/sandbox/api/customer/photo', { customer: customer.id, data })}
    />`;
}

function WechatChat({ customer, t, lang, tz, act }) {
  const ref = useAutoScroll(customer.messages.length);
  const w = customer.window;
  return html`<div class=${`chat-head ${w.open ? '' : 'closed'}`} data-testid="window">
      ${w.open ? t(w.limit === 5 ? 'windowOpen' : 'followWindow', { until: fmt(w.closesAt, tz, lang), sent: w.sent, limit: w.limit }) : t('windowClosed')}
      ${w.held ? html` · <strong>${t('held', { n: w.held })}</strong>` : null}
    </div>
    <div class="hint">${t('numbered')}</div>
    <div class="chat wx" ref=${ref} data-testid="chat">
      ${customer.messages.map((m) =>
        m.template
          ? html`<div class="template" data-from="bot"><strong>${t('template')}</strong>${Object.entries(m.template.data).map(([k, v]) => html`<div>${k}: ${v}</div>`)}</div>`
          : html`<div class=${`bubble ${m.from}`} data-from=${m.from}>${m.text}<span class="time">${fmt(m.at, tz, lang).slice(-5)}</span></div>`,
      )}
    </div>
    <${Composer} t=${t} testid="composer" onSend=${(text) => act('/sandbox/api/customer/say', { customer: customer.id, text })} />`;
}

function Customers({ state, t, lang, act }) {
  const [selected, setSelected] = useState(null);
  const [name, setName] = useState('');
  const [channel, setChannel] = useState('telegram');
  const [language, setLanguage] = useState(state.defaultLanguage);
  const current = state.customers.find((c) => c.id === selected) ?? state.customers[0];
  const tz = state.clock.timeZone;
  const add = async (e) => {
    e.preventDefault();
    if (!name.trim()) return;
    const c = await act('/sandbox/api/customers', { channel, name, language });
    if (c?.id) setSelected(c.id);
    setName('');
  };
  return html`<section class="panel" data-testid="customers">
    <h2>${t('customers')}</h2>
    <div class="tabs">
      ${state.customers.map(
        (c) => html`<button class=${c.id === current?.id ? 'active' : ''} data-testid=${`customer-tab-${c.channel}`} data-customer=${c.id} onClick=${() => setSelected(c.id)}>
          ${c.channel === 'telegram' ? '✈️' : '💬'} ${c.name} · ${c.language}
        </button>`,
      )}
    </div>
    ${current
      ? html`<div class="chat-head">${current.channel === 'telegram' ? t('telegram') : t('wechat')} · ${current.name}</div>
          <div style="display:contents" data-testid=${`pane-${current.channel}`}>
            ${current.channel === 'telegram'
              ? html`<${TelegramChat} key=${current.id} customer=${current} t=${t} lang=${lang} tz=${tz} act=${act} />`
              : html`<${WechatChat} key=${current.id} customer=${current} t=${t} lang=${lang} tz=${tz} act=${act} />`}
          </div>`
      : null}
    <form class="addform" onSubmit=${add} data-testid="add-customer">
      <strong>${t('addCustomer')}</strong>
      <input placeholder=${t('name')} value=${name} onInput=${(e) => setName(e.target.value)} />
      <select value=${channel} onChange=${(e) => setChannel(e.target.value)}><option value="telegram">${t('telegram')}</option><option value="wechat">${t('wechat')}</option></select>
      <select value=${language} onChange=${(e) => setLanguage(e.target.value)}><option value="zh">中文</option><option value="en">English</option></select>
      <button type="submit">${t('add')}</button>
    </form>
  </section>`;
}

/** One card, drawn from its JSON; clicks and form submits go to the card callback. */
function Card({ message, names, operator, onToast }) {
  const ref = useRef(null);
  const json = JSON.stringify(message.card);
  useEffect(() => {
    if (ref.current) ref.current.innerHTML = renderCard(message.card, { names, imageUrl: (key) => `/sandbox/api/file?feishu=${encodeURIComponent(key)}` });
  }, [json]);
  const onClick = useCallback(
    async (e) => {
      const button = e.target.closest('button[data-value]');
      if (!button) return;
      e.preventDefault();
      const value = JSON.parse(button.dataset.value);
      let formValue;
      const form = button.closest('form');
      if (form && button.dataset.submit === 'submit') {
        formValue = {};
        for (const field of form.querySelectorAll('[name]')) if (field.value !== '') formValue[field.name] = field.value;
      }
      button.disabled = true;
      try {
        const answer = await post('/sandbox/api/feishu/click', { messageId: message.id, operator, value, formValue, name: button.dataset.name, tag: 'button' });
        if (answer.toast) onToast(answer.toast);
      } catch (error) {
        onToast({ type: 'error', content: error.message });
      } finally {
        button.disabled = false;
      }
    },
    [message.id, operator],
  );
  return html`<div class="card" data-testid="card" data-message=${message.id} ref=${ref} onClick=${onClick}></div>`;
}

function FeishuMessage({ m, names, operator, onToast, t }) {
  const body =
    m.kind === 'interactive'
      ? html`<${Card} message=${m} names=${names} operator=${operator} onToast=${onToast} />`
      : m.image
        ? html`<img class="image" src=${m.image} alt="image" />`
        : html`<div class="text" dangerouslySetInnerHTML=${{ __html: renderText(m.text, { names }) }}></div>`;
  return html`<div class=${`msg ${m.from === operator ? 'mine' : ''}`} data-kind=${m.kind}>
    <span class="who">${m.from === 'bot' ? `🤖 ${t('bot')}` : names[m.from] ?? m.from}</span>
    ${body}
    ${m.thread?.length
      ? html`<div class="thread" data-testid="thread">
          <span class="label">${t('replies', { n: m.thread.length })}</span>
          ${m.thread.map((r) =>
            r.kind === 'interactive'
              ? html`<${Card} message=${r} names=${names} operator=${operator} onToast=${onToast} />`
              : r.image
                ? html`<img src=${r.image} alt="image" />`
                : html`<div class="reply" dangerouslySetInnerHTML=${{ __html: renderText(r.text, { names }) }}></div>`,
          )}
        </div>`
      : null}
  </div>`;
}

function Staff({ state, t, lang, act, onToast }) {
  const [chat, setChat] = useState(state.groups[0]?.chatId);
  const [operator, setOperator] = useState(state.staff[0]?.openId);
  const names = Object.fromEntries(state.staff.map((s) => [s.openId, s.name]));
  names[state.outsider] = t('outsider');
  const groupName = (g) => g.name ?? t(g.kind);
  const me = state.staff.find((s) => s.openId === operator);
  const direct = me?.direct ?? [];
  const group = chat === 'direct' ? { chatId: 'direct', messages: direct } : (state.groups.find((g) => g.chatId === chat) ?? state.groups[0]);
  const ref = useAutoScroll(`${group.chatId}:${group.messages.length}:${group.messages.at(-1)?.thread?.length ?? 0}`);
  return html`<section class="panel" data-testid="staff">
    <h2>${t('staff')}
      <label class="whoami">${t('youAre')}:
        <select data-testid="operator" value=${operator} onChange=${(e) => setOperator(e.target.value)}>
          ${state.staff.map((s) => html`<option value=${s.openId}>${s.name} · ${s.department ?? '—'} · ${t(`role.${s.role}`)}</option>`)}
          <option value=${state.outsider}>${t('outsider')}</option>
        </select>
      </label>
    </h2>
    <div class="tabs">
      ${state.groups.map(
        (g) => html`<button class=${g.chatId === group.chatId ? 'active' : ''} data-testid="group-tab" data-chat=${g.chatId} onClick=${() => setChat(g.chatId)}>
          ${groupName(g)}${g.messages.length ? html`<span class="count">${g.messages.length}</span>` : null}
        </button>`,
      )}
      <button class=${chat === 'direct' ? 'active' : ''} data-testid="group-tab" data-chat="direct" onClick=${() => setChat('direct')}>
        ${t('direct')}${direct.length ? html`<span class="count">${direct.length}</span>` : null}
      </button>
    </div>
    <div class="chat feishu" ref=${ref} data-testid="group" data-chat=${group.chatId}>
      ${group.messages.length === 0 ? html`<div class="empty">${t('empty')}</div>` : null}
      ${group.messages.map((m) => html`<${FeishuMessage} key=${m.id} m=${m} names=${names} operator=${operator} onToast=${onToast} t=${t} />`)}
    </div>
    ${group.chatId !== 'direct'
      ? html`<${Composer} t=${t} testid="group-composer" onSend=${(text) => act('/sandbox/api/feishu/say', { chatId: group.chatId, operator, text })} />
          <div class="hint">${t('groupCommand')}</div>`
      : null}
  </section>`;
}

function App() {
  const [state, setState] = useState(null);
  const [offline, setOffline] = useState(false);
  const [busy, setBusy] = useState(false);
  const [toasts, setToasts] = useState([]);
  const [lang, setLangState] = useState(localStorage.getItem('sandbox.lang'));
  const language = lang ?? state?.defaultLanguage ?? 'zh';
  const t = (key, params) => translate(language, key, params);
  const setLang = (l) => {
    localStorage.setItem('sandbox.lang', l);
    setLangState(l);
  };

  const onToast = useCallback((toast) => {
    const id = Math.random();
    setToasts((list) => [...list, { ...toast, id }]);
    setTimeout(() => setToasts((list) => list.filter((x) => x.id !== id)), 6000);
  }, []);

  useEffect(() => {
    let loading = false;
    let again = false;
    const load = async () => {
      if (loading) return void (again = true);
      loading = true;
      try {
        const res = await fetch('/sandbox/api/state');
        if (res.ok) setState(await res.json());
      } catch {
        /* the server is restarting; the event stream reconnects */
      } finally {
        loading = false;
        if (again) {
          again = false;
          void load();
        }
      }
    };
    const events = new EventSource('/sandbox/api/events');
    events.addEventListener('change', () => {
      setOffline(false);
      void load();
    });
    events.onerror = () => setOffline(true);
    void load();
    return () => events.close();
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = translate(language, 'title');
  }, [language]);

  const act = useCallback(
    async (path, body) => {
      try {
        return await post(path, body);
      } catch (error) {
        onToast({ type: 'error', content: error.message });
        return null;
      }
    },
    [onToast],
  );
  const onStep = async (step) => {
    setBusy(true);
    try {
      await act('/sandbox/api/time', { step });
    } finally {
      setBusy(false);
    }
  };
  const onReset = async () => {
    if (!confirm(t('resetConfirm'))) return;
    onToast({ type: 'info', content: t('resetting') });
    await act('/sandbox/api/reset');
  };

  if (!state) return html`<p style="padding:2em">…</p>`;
  return html`
    ${offline ? html`<div class="offline">${t('offline')}</div>` : null}
    <${Banner} state=${state} t=${t} lang=${language} setLang=${setLang} onReset=${onReset} />
    <${TimeBar} state=${state} t=${t} lang=${language} onStep=${onStep} busy=${busy} />
    <div class="main">
      <${Customers} state=${state} t=${t} lang=${language} act=${act} />
      <${Staff} state=${state} t=${t} lang=${language} act=${act} onToast=${onToast} />
    </div>
    <div class="toasts" data-testid="toasts">${toasts.map((x) => html`<div class=${`toast ${x.type}`} data-testid="toast">${x.content}</div>`)}</div>
  `;
}

render(html`<${App} />`, document.getElementById('app'));
