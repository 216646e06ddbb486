// node-server.js: a tiny TLS server for pcaps/make-captures.sh.
//
// Usage: node node-server.js PORT CERT KEY TICKET_KEY_FILE READY_FILE
//
// The ticket key file holds 48 bytes: key name (16), HMAC secret (16),
// AES key (16), the layout of tls.Server.setTicketKeys(). On SIGHUP the
// file is read again and installed, which replaces the old key: Node keeps
// one ticket key only, so tickets under the old key are rejected from then
// on. READY_FILE is written once listening and again after each reload, so
// the script knows when the new key is in force.
'use strict';

const fs = require('fs');
const tls = require('tls');

const [port, certFile, keyFile, ticketFile, readyFile] =
    process.argv.slice(2);

function readTicketKey() {
    const buf = fs.readFileSync(ticketFile);
    if (buf.length !== 48) {
        throw new Error(`${ticketFile}: ${buf.length} bytes, want 48`);
    }
    return buf;
}

function announce(key) {
    fs.writeFileSync(readyFile, key.subarray(0, 16).toString('hex') + '\n');
}

const server = tls.createServer({
    cert: fs.readFileSync(certFile),
    key: fs.readFileSync(keyFile),
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ticketKeys: readTicketKey(),
}, (sock) => {
    // Read one request, answer with a few bytes and close.
    sock.once('data', () => {
        sock.end('HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n');
    });
    sock.on('error', () => {});
});

server.on('tlsClientError', () => {});

process.on('SIGHUP', () => {
    const key = readTicketKey();
    server.setTicketKeys(key);
    announce(key);
});

process.on('SIGTERM', () => {
    server.close();
    process.exit(0);
});

server.listen(Number(port), '127.0.0.1', () => announce(readTicketKey()));
