import net from 'node:net';

// The unit project is for pure modules: a test that opens a socket (PostgreSQL, Redis, HTTP) belongs
// to the integration project, and fails here at once instead of slowing `npm run test:unit` down.
net.Socket.prototype.connect = function connect(): never {
  throw new Error('a unit test opened a socket: move it to the integration project (test/, not test/unit/)');
};
