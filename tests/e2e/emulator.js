// Starts the telegram-test-api Bot API emulator on 127.0.0.1:PORT and says "ready" on stdout.
// Used by tests/e2e and by the one-command demo in docs/telegram.md.
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2] || 9000);
const server = new TelegramServer({ port, host: '127.0.0.1', storage: 'RAM', storeTimeout: 600 });

server.start().then(() => {
  process.stdout.write(`ready http://127.0.0.1:${port}\n`);
});

const stop = () => server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
