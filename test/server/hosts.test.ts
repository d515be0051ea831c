import { describe, expect, it } from 'vitest';
import { allowedHostHeaders, hostAllowed, isLoopbackHost, originAllowed } from '../../src-main/server/hosts';

describe('hosts', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '127.example.com']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('accepts loopback names with the port only', () => {
    const allowed = allowedHostHeaders('127.0.0.1', 8123);
    expect(hostAllowed('127.0.0.1:8123', allowed)).toBe(true);
    expect(hostAllowed('LOCALHOST:8123', allowed)).toBe(true);
    expect(hostAllowed('[::1]:8123', allowed)).toBe(true);
    expect(hostAllowed('127.0.0.1', allowed)).toBe(false);
    expect(hostAllowed('127.0.0.1:8124', allowed)).toBe(false);
    expect(hostAllowed('evil.example:8123', allowed)).toBe(false);
    expect(hostAllowed(undefined, allowed)).toBe(false);
    expect(hostAllowed('0.0.0.0:8123', allowedHostHeaders('0.0.0.0', 8123))).toBe(false);
  });

  it('adds configured names, bare or with a port', () => {
    const allowed = allowedHostHeaders('127.0.0.1', 9000, ['gpu-box.lan', 'Proxy.example:8443', '[fd00::1]:443', ' ']);
    expect(hostAllowed('gpu-box.lan:9000', allowed)).toBe(true);
    expect(hostAllowed('gpu-box.lan', allowed)).toBe(true);
    expect(hostAllowed('proxy.example:8443', allowed)).toBe(true);
    expect(hostAllowed('proxy.example:9000', allowed)).toBe(false);
    expect(hostAllowed('[fd00::1]:443', allowed)).toBe(true);
    expect(hostAllowed('gpu-box.lan:1234', allowed)).toBe(false);
    expect(originAllowed('https://gpu-box.lan', allowed)).toBe(true);
    expect(originAllowed('https://proxy.example:8443', allowed)).toBe(true);
  });

  it('accepts an Origin only if it is this server', () => {
    const allowed = allowedHostHeaders('127.0.0.1', 8123);
    expect(originAllowed(undefined, allowed)).toBe(true);
    expect(originAllowed('http://127.0.0.1:8123', allowed)).toBe(true);
    expect(originAllowed('http://[::1]:8123', allowed)).toBe(true);
    expect(originAllowed('https://gpu-box.lan:8123', allowedHostHeaders('127.0.0.1', 8123, ['gpu-box.lan']))).toBe(true);
    for (const origin of ['null', 'http://evil.example', 'https://evil.example', 'ws://127.0.0.1:8123', 'http://127.0.0.1:8124', 'http://127.0.0.1:8123.evil.example', 'file://', 'http://user@127.0.0.1:8123']) {
      expect(originAllowed(origin, allowed), origin).toBe(false);
    }
  });
});
