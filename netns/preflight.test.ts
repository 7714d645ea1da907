import { describe, expect, it } from 'vitest';
import { describePreflight, preflight } from './preflight.js';

describe('preflight', () => {
  it('picks the backend its own findings allow: host with netem, else User-Mode Linux, else none with the reasons', async () => {
    const p = await preflight('auto');
    if (p.missing.some((m) => m.startsWith('root') || m.startsWith('ip ') || m.startsWith('tc ') || m.startsWith('tcpdump'))) {
      expect(p.backend).toBeNull();
    } else if (p.hostNetem.ok) {
      expect(p.backend).toBe('host');
    } else if (p.uml.ok) {
      expect(p.backend).toBe('uml');
      expect(p.hostNetem.detail).toMatch(/no netem|not checked/);
    } else {
      expect(p.backend).toBeNull();
      expect(p.missing.join(' ')).toContain(p.uml.detail);
    }
    const lines = describePreflight(p);
    expect(lines[0]).toMatch(/^root: (yes|NO), ip: (yes|NO), tc: (yes|NO), tcpdump: (yes|NO)$/);
    expect(lines.at(-1)).toMatch(p.backend ? new RegExp(`^backend: ${p.backend}$`) : /^backend: none: /);
  });

  it('--backend host on a kernel without netem says why, and picks nothing else', async () => {
    const p = await preflight('host');
    if (p.hostNetem.ok) expect(p.backend).toBe('host');
    else {
      expect(p.backend).toBeNull();
      expect(p.missing.join('; ')).toMatch(/root|--backend host: /);
    }
  });
});
