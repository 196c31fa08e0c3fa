import { javaDoubleToString, jdouble, JKeyMap, JStringMap, parseFastJson, quoteIntegerKeys, toFastJson, toFastJsonPretty } from './admin-json';

describe('admin-json (fastjson writer)', () => {
  test('Double.toString forms', () => {
    expect(javaDoubleToString(0)).toBe('0.0');
    expect(javaDoubleToString(1.5)).toBe('1.5');
    expect(javaDoubleToString(10)).toBe('10.0');
    expect(javaDoubleToString(0.001)).toBe('0.001');
    expect(javaDoubleToString(0.0001)).toBe('1.0E-4');
    expect(javaDoubleToString(12345678)).toBe('1.2345678E7');
    expect(javaDoubleToString(1e7)).toBe('1.0E7');
    expect(javaDoubleToString(Number.NaN)).toBe('null');
  });

  test('beans sorted, nulls omitted, object keys written as objects', () => {
    const mq = { topic: 'TopicTest', queueId: 0, brokerName: 'broker-a' };
    const s = toFastJson({
      topicPutTps: jdouble(0),
      offsetTable: new JKeyMap([[mq, { minOffset: 0, maxOffset: 10, lastUpdateTimestamp: 1700000000000 }]]),
      absent: undefined,
      nothing: null,
    });
    expect(s).toBe('{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:{"lastUpdateTimestamp":1700000000000,"maxOffset":10,"minOffset":0}},"topicPutTps":0.0}');
  });

  test('integer-key maps unquoted, string maps keep order', () => {
    expect(toFastJson(new JKeyMap([[0, 5], [1, 7]]))).toBe('{0:5,1:7}');
    expect(toFastJson(new JStringMap([['b', 1], ['a', 'x']]))).toBe('{"b":1,"a":"x"}');
    expect(toFastJson(['a', 1, true])).toBe('["a",1,true]');
  });

  test('pretty output matches the delayOffset.json shape of store.md §8.4', () => {
    const s = toFastJsonPretty({
      dataVersion: { counter: 2, stateVersion: 0, timestamp: 1700000000000 },
      offsetTable: new JKeyMap([[1, 10], [3, 4]]),
    });
    expect(s).toBe('{\n\t"dataVersion":{\n\t\t"counter":2,\n\t\t"stateVersion":0,\n\t\t"timestamp":1700000000000\n\t},\n\t"offsetTable":{1:10,3:4\n\t}\n}');
  });

  test('parser accepts unquoted integer keys and leaves strings alone', () => {
    expect(parseFastJson('{"offsetTable":{1:10,3:4\n\t}}')).toEqual({ offsetTable: { 1: 10, 3: 4 } });
    expect(quoteIntegerKeys('{"a":"{1:2}",-1 :3}')).toBe('{"a":"{1:2}","-1":3}');
    expect(parseFastJson('{"a":[1,2,3]}')).toEqual({ a: [1, 2, 3] });
    expect(parseFastJson('not json')).toBeUndefined();
  });
});
