import { CONFORMANCE_H1_USAGE } from './conformance-h1-command.js';
import { MATRIX_USAGE } from './conformance-matrix.js';
import { FUZZ_USAGE } from './fuzz-command.js';
export const USAGE = `aeronet: a strict HTTP/1.1 and HTTP/2 server and a network fault-injection harness

Usage: aeronet <command> [options]

Commands:
  serve     Start the demo server (routes: /hello, /echo, /bytes/:n, /stream, /slow, /headers)
  run       Run the fault-injection scenarios on the harness layers (sim, proxy, netem, or all)
  repro     Re-run a recorded failure from its artifact folder
  shrink    Reduce a recorded failure's faults (sim schedule, proxy toxics) to fewer, milder ones
  proxy     A fault proxy with Toxiproxy 2.12's control API (any Toxiproxy client drives it) and
            seeded toxics: the same seed and the same connections give the same faults
  conformance  h2: the HTTP/2 suite (h2spec's 147 cases, RFC 9113, abuse); h1: the HTTP/1.1 suite
               (RFC 9112/9110 requirements, request smuggling); against any server
  replay-pcap  Replay what the clients in a tcpdump capture sent (segmentation and timing kept)
               into aeronet on the simulation, deterministically; report the answers and invariants
  report    Merge the report folders of a sharded run into one (--merge DIR ... --out DIR), or
            turn JUnit files into an HTML page (--junit FILE ... --out FILE.html [--title T])
  fuzz      Fuzz the parsers and the HTTP/2 connection with Jazzer.js, checking properties
            (npm run fuzz -- <target> [--seconds N])
  help      Show this help

Options for serve:
  --host <addr>         Address to listen on (default 127.0.0.1)
  --port <n>            Port, 0 for any free one (default 8080)
  --tls-cert <file>     PEM certificate: serve HTTPS (needs --tls-key)
  --tls-key <file>      PEM private key for --tls-cert
  --tls-sni <name>=<cert>,<key>[,ca=<file>][,auth=<mode>][,ocsp=<file>]
                        Another certificate for an SNI name (exact or *.suffix; repeatable), with
                        its own client-certificate policy and OCSP response (paths without commas)
  --tls-client-auth [<name>=]none|optional|required
                        Client certificates for the default certificate, or for an --tls-sni name
                        (default none; required when only a CA is given)
  --tls-client-ca [<name>=]<file>
                        PEM CA certificate(s) client certificates must chain to (repeatable)
  --tls-ticket-rotation <ms>[,window=<ms>]
                        A new session ticket key every <ms> (>= 1000); previous keys still resume
                        for window (default: <ms>). Without it: one random key per process
  --tls-ocsp <file>     Staple this DER OCSP response (default certificate; re-read halfway to its
                        nextUpdate; expired or foreign responses are never stapled)
  --tls-keylog <file>   DEBUG ONLY: append the TLS session keys (NSS key log format) to <file>;
                        anyone with it can decrypt the traffic. Warned about on stderr
  --connect-allow <h:p> Enable CONNECT tunnels to this target (repeatable; off by default)
  --log-level <level>   debug, info, warn or error (default info)
  --log-format <f>      json, pretty or auto (default): logs on stderr are JSON lines, or text for a
                        person when auto finds stderr is a terminal (colours unless NO_COLOR is set)
  --log-file <path>     Also append the logs, as JSON lines, to this file (opened at start-up: one that
                        cannot be opened exits 2; flushed on SIGINT/SIGTERM)
  --access-log          One http.access record per finished request, at level info (off by default)
  --no-compression      Do not compress responses
  --timeout <name>=<ms> A server timeout (repeatable): headers, body, keep-alive, send-stall, linger,
                        h2-idle, h2-settings-ack, h2-send-stall; 0 disables it
  --debug-port <n>      Also serve GET /registry on 127.0.0.1:<n> (0: any port): live connections,
                        handshakes, pending timers, open fds, as JSON (off by default; for leak checks)
  --metrics-port <n>    Count requests, connections, bytes, TLS and HTTP/2 detail, and serve them as
                        Prometheus text at GET /metrics on <n> (0: any port; the URL is printed after
                        the listening line); off by default
  --metrics-host <addr> Address of the metrics listener (default 127.0.0.1)
  --static <dir>        Also serve the files under <dir> at /static/ (GET and HEAD, ranges,
                        conditional requests, precompressed .br/.gz siblings; no listings)

Options for run:
  --layer <layers>      sim, proxy, netem, a comma-separated list (sim,proxy), or all; they run in
                        that order (default sim). proxy: \`aeronet serve\` processes behind the
                        fault proxy (or the Toxiproxy at $TOXIPROXY_URL), real clients (node:http,
                        node:http2 over h2c and TLS, curl). netem: server and clients in two network
                        namespaces over a veth pair with tc netem (kernel TCP; needs root). A layer
                        that cannot run here is reported as skipped with the reason (exit 1 when it
                        was named; not under all)
  --backend host|uml|auto  netem: the host kernel, or User-Mode Linux where it has no netem
                        (default auto; the preflight says what it found)
  --smoke               netem: only the smoke scenarios (what .ci/run runs)
  --shard <i>/<n>       Run the i-th of n deterministic parts (scenarios dealt round-robin across
                        the layers' lists); the n shards together are the whole set
  --report <dir>        Write report.json, junit.xml and report.html (a timeline of each failure)
  --progress auto|live|lines|off  A live line on a terminal, a line every 10 s otherwise (auto)
  --list                Print the scenario names, one per line (selftests included; with --shard,
                        that shard's scenarios)
  --scenario <name>     Run one scenario (default: all but the selftests)
  --seed <n>            Run one seed
  --seeds <n>           Run seeds 1..n (default 50 on sim, 2 on proxy, 1 on netem)
  --trace-hash          Sim only: print the hash of the run's event traces as the last line
  --artifacts <dir>     Where failure artifacts go (default artifacts/)
  --differential        Run the HTTP/1.1 scenarios (or --scenario) against node:http too and
                        compare the answers; exit 1 if both were right yet answered differently
  A failure prints its seed, the command that replays it, and its artifact folder.

Options for proxy:
  --host <addr>         Control API address (default 127.0.0.1)
  --port <n>            Control API port, 0 for any free one (default 8474, Toxiproxy's)
  --config <file>       A JSON array of proxies in /populate's format, created before the API
                        listens; an unreadable or invalid file, or one that fails, exits 2
  --seed <s>            Seed of every toxic's random choices (default 1): 1-64 of A-Z a-z 0-9 . _ -
  --no-metrics          No /metrics route (on by default: Toxiproxy's two byte counters)
  SIGINT/SIGTERM close the API, every proxy listener and every proxied connection.

Options for conformance h2 [ID or group ...]:
  --host <addr>         Server address (required)
  --port <n>            Server port (required)
  --tls                 HTTP/2 over TLS with ALPN h2 (default: cleartext, prior knowledge)
  --insecure            With --tls: accept any certificate
  --servername <name>   With --tls: the SNI name (default: --host when it is a name)
  --strict              Run the strict-only case too, and require the error code the RFC names
                        in each GOAWAY/RST_STREAM (h2spec accepts any close)
  --timeout <ms>        How long to wait for each expected outcome (default 2000)
  --stall-wait <ms>     Also run abuse/zero-window-stall/2: wait up to this long for the server
                        to give up on a response stalled at a zero window, and require it (by
                        default not run: it waits for the server's own stall timeout, 30 s for
                        aeronet); --stall-limit <ms> is the older name
  --path <path>         :path of GET requests (default /)
  --post-path <path>    :path of POST requests, best one that reads the body (default: --path)
  --large-path <path>   :path of a response larger than a flow-control window (default: --path)
  --json <file>         Also write the report as JSON
  --junit <file>        Also write the report as JUnit XML
  --faults <profiles>   Run in-process against aeronet, clean and under choppy, byte, coalesce,
                        splits (comma-separated) or all; lists the cases that pass clean but
                        fail under faults (in-process only: through the proxy and netem layers,
                        see --matrix and --via-proxy)
  --seeds <n>           With --faults: seeds per profile (default 5)
  --split-limit <n>     With --faults splits: cut streams up to this many bytes (default 1024)
${MATRIX_USAGE}  --with-h2spec         Also run h2spec ($H2SPEC or PATH) and report every disagreement
  IDs or groups select cases (http2/6.5.2/1, http2/6.5, generic, hpack, rfc9113, abuse, h2spec);
  default: all. Exit 1 when a case fails (with --matrix, any cell).

${CONFORMANCE_H1_USAGE}
Options for replay-pcap <capture.pcap>:
  A classic pcap (pcapng: tshark -F pcap -w out.pcap -r in.pcapng), link type EN10MB, RAW,
  LINUX_SLL or LINUX_SLL2, IPv4 or IPv6. TLS connections are listed, not replayed (encrypted).
  --server-port <n>     Only connections to this port; without a captured SYN, that side is the
                        server (default: the SYN's receiver, else the lower port)
  --connection <k>      Replay only the k-th TCP connection of the capture (as listed), from time 0
  --json <file>         Also write the full report (trace and server log included) as JSON
  Exit 0 when the server behaved, 1 when it misbehaved (each broken invariant printed), 2 on a
  usage or file error, or when nothing in the capture can be replayed.

${FUZZ_USAGE}
repro <artifact dir>    Exit 1 if the recorded failure happens again, 0 if it now passes.
  --times <n>           netem artifacts: re-create the link n times (default 10) and report how
                        often the failure came back (kernel runs are not bit-for-bit repeatable)
shrink <artifact dir>   Write a new artifact with the minimal failing faults: for a sim artifact the
                        fault schedule, plus a standalone vitest file that replays it; for a proxy
                        artifact fewer and milder starting toxics (repro replays them).

Exit status: 0 on a clean shutdown (SIGINT/SIGTERM drain the server), 1 on a runtime
failure, 2 on a usage error.
`;
