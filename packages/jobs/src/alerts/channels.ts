// How one alert message reaches one channel: Slack (Block Kit), a signed generic webhook, email over
// SMTP, or the console's in-app feed. Every network destination passes the SSRF guard first, and no
// error message carries a URL path, a token or a password.
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ChannelKind } from './alert-schemas.js';
import { checkHost, outboundRequest, type OutboundPolicy } from './outbound-url.js';

export interface AlertMessage {
  /** `test` for a channel test-send. */
  kind: 'firing' | 'follow-up' | 'resolved' | 'test';
  notificationId: number;
  /** The delivery's id: receivers may use it to drop a duplicate (delivery is at least once). */
  deliveryId: number | null;
  ruleId: number | null;
  ruleName: string;
  ruleKind: string;
  scope: string;
  title: string;
  summary: string;
  count: number;
  topError: string | null;
  /** Where in the console the operator fixes it. */
  link: string;
  at: string;
}

export interface ChannelTarget {
  kind: ChannelKind;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface SendContext {
  policy: OutboundPolicy;
  timeoutMs: number;
  /** Pushes a message to the console's live feed (Redis pub/sub to every API instance). */
  publishInApp(message: AlertMessage): Promise<void>;
}

export const SIGNATURE_HEADER = 'x-bullpen-signature';
export const TIMESTAMP_HEADER = 'x-bullpen-timestamp';
export const DELIVERY_HEADER = 'x-bullpen-delivery';

/** `v1=` + hex HMAC-SHA256 of `${timestamp}.${body}` with the channel's signing secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const EMOJI: Record<AlertMessage['kind'], string> = { firing: ':rotating_light:', 'follow-up': ':repeat:', resolved: ':white_check_mark:', test: ':wave:' };
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** Slack mrkdwn treats &, < and > as control characters. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Block Kit message: what (header), where and how many (fields), the top error, and a button into the console. */
export function slackPayload(message: AlertMessage) {
  const fields = [
    { type: 'mrkdwn', text: `*Rule*\n${slackEscape(clip(message.ruleName, 200))}` },
    { type: 'mrkdwn', text: `*Where*\n${slackEscape(clip(message.scope, 200))}` },
    { type: 'mrkdwn', text: `*How many*\n${message.count}` },
    { type: 'mrkdwn', text: `*State*\n${message.kind}` },
  ];
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: clip(message.title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: `${EMOJI[message.kind]} ${slackEscape(clip(message.summary, 2_900))}` }, fields },
  ];
  if (message.topError) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Top error*\n\`\`\`${slackEscape(clip(message.topError, 2_800))}\`\`\`` } });
  }
  blocks.push({
    type: 'actions',
    elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Bullpen', emoji: false }, url: clip(message.link, 3_000), action_id: 'open-bullpen' }],
  });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Bullpen · ${message.at}` }] });
  return { text: clip(`${message.title}: ${message.summary}`, 3_000), blocks };
}

const htmlEscape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function emailContent(message: AlertMessage): { subject: string; text: string; html: string } {
  const subject = clip(`[Bullpen] ${message.title}`, 200);
  const lines = [message.summary, '', `Rule: ${message.ruleName} (${message.ruleKind})`, `Where: ${message.scope}`, `How many: ${message.count}`];
  if (message.topError) lines.push(`Top error: ${message.topError}`);
  lines.push('', `Open in Bullpen: ${message.link}`);
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<h2>${htmlEscape(message.title)}</h2>
<p>${htmlEscape(message.summary)}</p>
<table cellpadding="4"><tr><th align="left">Rule</th><td>${htmlEscape(message.ruleName)} (${htmlEscape(message.ruleKind)})</td></tr>
<tr><th align="left">Where</th><td>${htmlEscape(message.scope)}</td></tr>
<tr><th align="left">How many</th><td>${message.count}</td></tr>
${message.topError ? `<tr><th align="left">Top error</th><td><code>${htmlEscape(message.topError)}</code></td></tr>` : ''}</table>
<p><a href="${htmlEscape(message.link)}">Open in Bullpen</a></p></body></html>`;
  return { subject, text: lines.join('\n'), html };
}

/** Sends `message` to `channel`. Throws on failure with a message that is safe to record and show. */
export async function sendToChannel(channel: ChannelTarget, message: AlertMessage, ctx: SendContext): Promise<void> {
  switch (channel.kind) {
    case 'in-app':
      await ctx.publishInApp(message);
      return;
    case 'slack': {
      await outboundRequest(channel.secrets.webhookUrl ?? '', ctx.policy, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackPayload(message)),
        timeoutMs: ctx.timeoutMs,
      });
      return;
    }
    case 'webhook': {
      const body = JSON.stringify({ type: 'bullpen.alert', ...message });
      const timestamp = String(Math.floor(Date.now() / 1000));
      await outboundRequest(channel.secrets.url ?? '', ctx.policy, {
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(channel.secrets.signingSecret ?? '', timestamp, body),
          ...(message.deliveryId !== null ? { [DELIVERY_HEADER]: String(message.deliveryId) } : {}),
        },
        body,
        timeoutMs: ctx.timeoutMs,
      });
      return;
    }
    case 'email': {
      const config = channel.config as { host: string; port: number; secure: boolean; user?: string; from: string; to: string[] };
      const target = await checkHost(config.host, ctx.policy);
      const transport = nodemailer.createTransport({
        // Connect to the address the guard checked; the name stays for TLS verification.
        host: target.address,
        port: config.port,
        secure: config.secure,
        name: 'bullpen',
        tls: { servername: target.hostname },
        ...(config.user ? { auth: { user: config.user, pass: channel.secrets.password ?? '' } } : {}),
        connectionTimeout: ctx.timeoutMs,
        greetingTimeout: ctx.timeoutMs,
        socketTimeout: ctx.timeoutMs,
      });
      try {
        await transport.sendMail({ from: config.from, to: config.to, ...emailContent(message) });
      } catch (err) {
        const e = err as { code?: string; responseCode?: number };
        // nodemailer's messages can quote the server's reply; keep to codes, which carry no secret.
        throw new Error(`SMTP delivery failed: ${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}`);
      } finally {
        transport.close();
      }
      return;
    }
  }
}
