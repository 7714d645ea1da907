export { defineProxyScenario } from '../../harness/proxy/layer/proxy-scenario.js';
export * from '../realnet-support.js';
