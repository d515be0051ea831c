/**
 * Hash history: the app is served as files (file:// in Electron, any path prefix in serve mode), so the
 * route must live in the fragment that no server ever sees.
 */
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'experiments', component: () => import('./views/ExperimentsView.vue') },
  { path: '/new', name: 'new', component: () => import('./views/NewExperimentView.vue') },
  { path: '/experiments/:id(\\d+)', name: 'experiment', component: () => import('./views/ExperimentView.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/experiments/:id(\\d+)/compare', name: 'compare', component: () => import('./views/CompareView.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  // Runs from any experiments: /compare?runs=3,4,51 (the whole Compare state is in the query).
  { path: '/compare', name: 'compare-runs', component: () => import('./views/CompareView.vue') },
  { path: '/runs/:id(\\d+)', name: 'run', component: () => import('./views/RunView.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/:rest(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHashHistory(), routes });
