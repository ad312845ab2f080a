import { parseRoute } from '../../src/local-openwhisk/rest-route';

describe('parseRoute', () => {
  it.each([
    ['/namespaces', { kind: 'namespaces' }],
    ['/namespaces/_/actions', { kind: 'list', namespace: '_', collection: 'actions' }],
    ['/namespaces/_/actions/tools/', { kind: 'list', namespace: '_', collection: 'actions', packageName: 'tools' }],
    ['/namespaces/guest/actions/hello', { kind: 'entity', namespace: 'guest', collection: 'actions', path: { name: 'hello' } }],
    ['/namespaces/guest/actions/tools/add', { kind: 'entity', namespace: 'guest', collection: 'actions', path: { packageName: 'tools', name: 'add' } }],
    ['/namespaces/_/actions/my%20action', { kind: 'entity', namespace: '_', collection: 'actions', path: { name: 'my action' } }],
    ['/namespaces/_/triggers/tick', { kind: 'entity', namespace: '_', collection: 'triggers', path: { name: 'tick' } }],
    ['/namespaces/_/activations', { kind: 'list', namespace: '_', collection: 'activations' }],
    ['/namespaces/_/activations/abc', { kind: 'activation', namespace: '_', activationId: 'abc' }],
    ['/namespaces/_/activations/abc/logs', { kind: 'activation', namespace: '_', activationId: 'abc', part: 'logs' }],
    ['/namespaces/_/activations/abc/result', { kind: 'activation', namespace: '_', activationId: 'abc', part: 'result' }],
  ])('routes %s', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });

  it.each([
    ['/', 'no namespaces root'],
    ['/namespaces/_/widgets', 'an unknown collection'],
    ['/namespaces/_/triggers/pkg/name', 'a trigger inside a package'],
    ['/namespaces/_/actions/a/b/c', 'three levels of action name'],
    ['/namespaces/_/activations/abc/other', 'an unknown activation part'],
  ])('matches nothing for %s (%s)', (path) => {
    expect(parseRoute(path)).toBeNull();
  });
});
