import { parseProperties } from './properties';

test('Java Properties forms', () => {
  const p = parseProperties([
    '# comment', '! also comment', '', 'brokerClusterName = DefaultCluster', 'brokerName:broker-a',
    'brokerId 0', '  deleteWhen=04', 'namesrvAddr=127.0.0.1:9876;127.0.0.2:9876',
    'long=a\\', '   b', 'esc=tab\\there\\u0041', 'empty=', 'a\\=b=c',
  ].join('\n'));
  expect(Object.fromEntries(p)).toEqual({
    brokerClusterName: 'DefaultCluster', brokerName: 'broker-a', brokerId: '0', deleteWhen: '04',
    namesrvAddr: '127.0.0.1:9876;127.0.0.2:9876', long: 'ab', esc: 'tab\there\u0041'.replace('\\u0041', 'A'), empty: '', 'a=b': 'c',
  });
});
