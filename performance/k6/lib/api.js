import http from 'k6/http';
import { API_URL, BASE_URL } from './config.js';

/**
 * Every request is named by its route template, so k6 keeps one metric per endpoint, not one per id, and
 * thresholds can name endpoints.
 */
export const ROUTES = {
  live: 'GET /health/live',
  ready: 'GET /health/ready',
  requestMagicLink: 'POST /auth',
  verifyMagicLink: 'POST /auth/verify',
  createApiKey: 'POST /api-keys',
  createAgent: 'POST /agents',
  listAgents: 'GET /agents',
  getAgent: 'GET /agents/:id',
  startRun: 'POST /agents/:id/run',
  listRuns: 'GET /runs',
  getRun: 'GET /runs/:id',
};

const OUTSIDE_API_PREFIX = [ROUTES.live, ROUTES.ready];

/** `send(ROUTES.getAgent, { token, params: { id } })`: the route's `:params` filled in, `query` and a JSON `body` added. */
export function send(route, { token, params = {}, query = {}, body } = {}) {
  const [method, template] = route.split(' ');
  const path = template.replace(/:(\w+)/g, (_, name) => encodeURIComponent(params[name]));
  const search = Object.entries(query)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
  const url = `${OUTSIDE_API_PREFIX.includes(route) ? BASE_URL : API_URL}${path}${search && `?${search}`}`;
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  return http.request(method, url, body === undefined ? null : JSON.stringify(body), { headers, tags: { name: route } });
}
