/** Connection ids, unique across protocols, for the server's registry and the logs. */
let next = 1;

export function nextConnectionId(): number {
  return next++;
}
