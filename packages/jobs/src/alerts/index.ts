export * from './alert-schemas.js';
export * from './alert-engine.js';
export { slackPayload, emailContent, signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER, type AlertMessage } from './channels.js';
export { checkOutboundUrl, checkOutboundUrlStatic, checkHost, outboundRequest, addressRejection, OutboundUrlError, OutboundRequestError, type OutboundPolicy, type Resolver } from './outbound-url.js';
export { seedDemoAlertRules } from './demo-rules.js';
