// Message `type` values between content scripts, extension pages and the service
// worker. The worker keeps one handler per type (background/messages.js).
export const MSG = Object.freeze({
  SCAN: 'scan',
  EVENT: 'event',
  GET_CONFIG: 'get-config',
  SITE_STATUS: 'site-status',
  STATUS: 'status',
  SAVE_SETTINGS: 'save-settings',
  TEST_CONNECTION: 'test-connection',
});
