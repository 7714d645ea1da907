// epoll-relay: the yardstick of bench:proxy. A minimal single-threaded epoll TCP relay with no toxics
// and no JavaScript, so the benchmark can show how close aeronet's fault proxy comes to the cheapest
// relay this machine can run: on a small machine most of a relay's cost is the kernel's (one more
// loopback hop: two more reads and two more writes per exchange), and that cost is the same for any
// relay, whatever language it is written in.
//
//   epoll-relay <upstream-port> <listen-port>      (both on 127.0.0.1; listen-port 0 = any free port)
//
// Once listening it prints "epoll relay listening on http://127.0.0.1:<port>" (the bound port) on
// stdout: bench/lib/server-process.ts startServer() takes the URL from that line. SIGTERM or SIGINT
// closes every connection and exits 0.
//
// Semantics, kept the same as the fault proxy's with no toxics (harness/proxy/runtime/connection.ts,
// Toxiproxy's): every accepted connection gets its own upstream connection; bytes are relayed
// unchanged both ways; no half-close: after an EOF from either side nothing more is read, the bytes
// already read are written out, then both sockets are closed. A read or write error (a reset, say)
// closes both at once. An upstream that refuses the connection closes the client.
//
// Build: g++ -O2 -o epoll-relay epoll-relay.cpp (bench/proxy.ts does this, into node_modules/.cache).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <unordered_set>
#include <vector>

namespace {

// Per direction: libuv (under Node's proxy) also reads 64 KiB at a time, so both relays make the
// same number of read calls for the same stream; it is also one loopback segment's worth.
constexpr size_t kBufferSize = 64 * 1024;
// Reads per readiness event while every read fills the buffer and is written out whole: saves
// epoll_wait calls on a bulk transfer (libuv does the same, up to 32) while still giving the other
// connections a turn.
constexpr int kReadsPerEvent = 16;
constexpr int kMaxEvents = 256;

struct Conn;

// One socket of a relayed pair, and the bytes read from it that the other socket has not taken yet.
struct Side {
  Conn* conn = nullptr;
  int fd = -1;
  // The events this socket is registered for in the epoll set; 0 = not in the set at all.
  uint32_t registered = 0;
  // buf[off, len): read from this socket, not yet written to the other one. While this is not
  // empty, this socket is not read (see wanted()): that is the relay's backpressure, and it keeps
  // the memory per connection fixed however much it relays.
  char* buf = nullptr;
  size_t off = 0;
  size_t len = 0;
  bool pending() const { return off < len; }
};

struct Conn {
  Side side[2];  // [0] the accepted client, [1] the upstream
  bool connecting = false;  // the non-blocking connect() to the upstream has not completed yet
  bool draining = false;    // an EOF was read: read nothing more, write out what is buffered, close
  bool closed = false;
  char storage[2][kBufferSize];  // deliberately not zeroed: `new Conn(...)` leaves it as is

  Conn(int client, int upstream) {
    for (int i = 0; i < 2; i++) {
      side[i].conn = this;
      side[i].buf = storage[i];
    }
    side[0].fd = client;
    side[1].fd = upstream;
  }
};

int g_epoll = -1;
sockaddr_in g_upstream{};
std::unordered_set<Conn*> g_conns;
// Connections closed while handling the current batch of events: later events of the same batch may
// still point at them, so they are freed only once the batch is done (handlers check `closed`).
std::vector<Conn*> g_graveyard;

// Markers for the two epoll entries that are not connection sockets (data.ptr is a Side* otherwise).
char g_listen_tag;
char g_signal_tag;

void set_nodelay(int fd) {
  // Small requests and responses must go out at once, as Node's noDelay sockets (proxy, wrk, server)
  // send them; with Nagle a relay would add delayed-ACK waits to every keep-alive exchange.
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void close_conn(Conn& c) {
  if (c.closed) return;
  c.closed = true;
  // close() also takes each fd out of the epoll set (nothing else holds a duplicate of it).
  for (Side& s : c.side) {
    if (s.fd >= 0) close(s.fd);
    s.fd = -1;
  }
  g_conns.erase(&c);
  g_graveyard.push_back(&c);
}

// The events socket i should wait for now. Level-triggered, so a socket is registered only while it
// is wanted for something: an unread EOF or a pending error on a socket we are not reading would
// otherwise wake epoll_wait over and over.
uint32_t wanted(const Conn& c, int i) {
  if (c.connecting) return i == 1 ? static_cast<uint32_t>(EPOLLOUT) : 0u;  // connect() completion; the client waits
  const Side& me = c.side[i];
  const Side& other = c.side[1 - i];
  uint32_t ev = 0;
  // Read only when everything read from this socket before has been written: the unwritten rest
  // waits in its buffer, and reading on would need an unbounded one.
  if (!c.draining && !me.pending()) ev |= EPOLLIN;
  // Bytes from the other side are waiting for room in this socket's send buffer.
  if (other.pending()) ev |= EPOLLOUT;
  return ev;
}

// Brings socket i's epoll registration in line with wanted(); false if epoll refuses.
bool sync(Conn& c, int i) {
  Side& s = c.side[i];
  uint32_t ev = wanted(c, i);
  if (ev == s.registered) return true;
  epoll_event e{};
  e.events = ev;
  e.data.ptr = &s;
  int op = s.registered == 0 ? EPOLL_CTL_ADD : ev == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
  if (epoll_ctl(g_epoll, op, s.fd, &e) < 0) {
    perror("epoll-relay: epoll_ctl");
    return false;
  }
  s.registered = ev;
  return true;
}

void sync_both(Conn& c) {
  if (!sync(c, 0) || !sync(c, 1)) close_conn(c);
}

// Writes what is buffered from side `from` to the other socket. A partial write leaves the rest in
// the buffer; wanted() then waits for EPOLLOUT on the destination and stops reading the source.
// No second send() after a partial one: the send buffer is full, it would only return EAGAIN.
// Returns false on a write error (the peer is gone: the caller closes both).
bool flush(Conn& c, int from) {
  Side& s = c.side[from];
  int to = c.side[1 - from].fd;
  while (s.pending()) {
    // MSG_NOSIGNAL: a peer that has gone away gives EPIPE here instead of killing us with SIGPIPE.
    ssize_t n = send(to, s.buf + s.off, s.len - s.off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    s.off += static_cast<size_t>(n);
    if (s.pending()) return true;  // partial: wait for EPOLLOUT
  }
  s.off = s.len = 0;
  return true;
}

enum class ReadResult { kOk, kEof, kError };

// Reads from socket i and writes what it got to the other socket, up to kReadsPerEvent times while
// each read fills the buffer and is written out whole. Only called with socket i's buffer empty.
ReadResult pump(Conn& c, int i) {
  Side& s = c.side[i];
  for (int k = 0; k < kReadsPerEvent; k++) {
    ssize_t n = recv(s.fd, s.buf, kBufferSize, 0);
    if (n == 0) return ReadResult::kEof;
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadResult::kOk;
      return ReadResult::kError;
    }
    s.off = 0;
    s.len = static_cast<size_t>(n);
    if (!flush(c, i)) return ReadResult::kError;
    // A short read means the socket is drained for now (level-triggered epoll reports more); an
    // unwritten rest means this socket must not be read until it has gone out.
    if (s.pending() || static_cast<size_t>(n) < kBufferSize) return ReadResult::kOk;
  }
  return ReadResult::kOk;
}

void on_socket_event(Side& s, uint32_t events) {
  Conn& c = *s.conn;
  if (c.closed) return;  // closed earlier in this batch
  const int i = &s == &c.side[0] ? 0 : 1;

  if (c.connecting) {
    // Only the upstream is registered, for EPOLLOUT: the connect() has completed, well or not.
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
      close_conn(c);  // refused or unreachable: the client sees its connection closed
      return;
    }
    c.connecting = false;
    sync_both(c);
    return;
  }

  if (events & EPOLLERR) {
    // A pending socket error (a reset from the peer): the connection is broken both ways.
    close_conn(c);
    return;
  }
  // Writable: push out what the other side had buffered for this socket.
  if ((events & EPOLLOUT) && !flush(c, 1 - i)) {
    close_conn(c);
    return;
  }
  // Readable, or hung up (which may still leave data to read before the EOF). Re-check wanted():
  // the flush above does not change this socket's own buffer, but draining may have begun.
  if ((events & (EPOLLIN | EPOLLHUP)) && !c.draining && !s.pending()) {
    switch (pump(c, i)) {
      case ReadResult::kError:
        close_conn(c);
        return;
      case ReadResult::kEof:
        // No half-close, as the fault proxy: stop reading both sides, write out what the other
        // side had buffered for this one (this side's own buffer is empty: EOF is only read then).
        c.draining = true;
        break;
      case ReadResult::kOk:
        break;
    }
  }
  if (c.draining && !c.side[0].pending() && !c.side[1].pending()) {
    close_conn(c);
    return;
  }
  sync_both(c);
}

void accept_all(int listener) {
  // Take every queued connection now rather than one per epoll_wait.
  for (;;) {
    int client = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) perror("epoll-relay: accept4");
      return;
    }
    set_nodelay(client);
    int upstream = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (upstream < 0) {
      perror("epoll-relay: socket");
      close(client);
      continue;
    }
    set_nodelay(upstream);
    Conn* c = new Conn(client, upstream);
    g_conns.insert(c);
    // Non-blocking connect: on loopback it usually completes (or fails) at once, but EINPROGRESS is
    // allowed, and then the upstream's EPOLLOUT says when (on_socket_event checks SO_ERROR).
    if (connect(upstream, reinterpret_cast<const sockaddr*>(&g_upstream), sizeof g_upstream) < 0) {
      if (errno != EINPROGRESS) {
        close_conn(*c);
        continue;
      }
      c->connecting = true;
    }
    sync_both(*c);
  }
}

bool parse_port(const char* text, int min, int* out) {
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > 65535) return false;
  *out = static_cast<int>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int upstream_port = 0;
  int listen_port = 0;
  if (argc != 3 || !parse_port(argv[1], 1, &upstream_port) || !parse_port(argv[2], 0, &listen_port)) {
    std::fprintf(stderr, "usage: epoll-relay <upstream-port> <listen-port>   (127.0.0.1; listen-port 0 = any)\n");
    return 2;
  }
  g_upstream.sin_family = AF_INET;
  g_upstream.sin_port = htons(static_cast<uint16_t>(upstream_port));
  g_upstream.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  // SIGTERM/SIGINT arrive through a signalfd in the epoll set, so the loop stops between events
  // instead of in the middle of one; SIGPIPE is ignored as a second guard behind MSG_NOSIGNAL.
  signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (sigprocmask(SIG_BLOCK, &stop_signals, nullptr) < 0) {
    perror("epoll-relay: sigprocmask");
    return 1;
  }
  int sfd = signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sfd < 0) {
    perror("epoll-relay: signalfd");
    return 1;
  }

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listener < 0) {
    perror("epoll-relay: socket");
    return 1;
  }
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(listen_port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    perror("epoll-relay: bind");
    return 1;
  }
  if (listen(listener, SOMAXCONN) < 0) {
    perror("epoll-relay: listen");
    return 1;
  }
  socklen_t addr_len = sizeof addr;
  if (getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &addr_len) < 0) {
    perror("epoll-relay: getsockname");
    return 1;
  }

  g_epoll = epoll_create1(EPOLL_CLOEXEC);
  if (g_epoll < 0) {
    perror("epoll-relay: epoll_create1");
    return 1;
  }
  epoll_event e{};
  e.events = EPOLLIN;
  e.data.ptr = &g_listen_tag;
  if (epoll_ctl(g_epoll, EPOLL_CTL_ADD, listener, &e) < 0) {
    perror("epoll-relay: epoll_ctl");
    return 1;
  }
  e.data.ptr = &g_signal_tag;
  if (epoll_ctl(g_epoll, EPOLL_CTL_ADD, sfd, &e) < 0) {
    perror("epoll-relay: epoll_ctl");
    return 1;
  }

  // The one line the benchmark waits for. stdout is a pipe there (fully buffered): flush it.
  std::printf("epoll relay listening on http://127.0.0.1:%d (-> 127.0.0.1:%d)\n", ntohs(addr.sin_port), upstream_port);
  std::fflush(stdout);

  epoll_event events[kMaxEvents];
  bool running = true;
  while (running) {
    int n = epoll_wait(g_epoll, events, kMaxEvents, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("epoll-relay: epoll_wait");
      return 1;
    }
    for (int k = 0; k < n; k++) {
      void* tag = events[k].data.ptr;
      if (tag == &g_listen_tag) {
        accept_all(listener);
      } else if (tag == &g_signal_tag) {
        running = false;
      } else {
        on_socket_event(*static_cast<Side*>(tag), events[k].events);
      }
    }
    for (Conn* c : g_graveyard) delete c;
    g_graveyard.clear();
  }

  // Stopped by a signal: close every connection (abruptly, as the fault proxy's stop() does).
  std::vector<Conn*> open(g_conns.begin(), g_conns.end());
  for (Conn* c : open) close_conn(*c);
  for (Conn* c : g_graveyard) delete c;
  g_graveyard.clear();
  close(listener);
  close(sfd);
  close(g_epoll);
  return 0;
}
