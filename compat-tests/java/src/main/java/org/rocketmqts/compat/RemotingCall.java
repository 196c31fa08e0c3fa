package org.rocketmqts.compat;

import java.util.HashMap;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyRemotingClient;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * Sends one raw request with the official remoting library (NettyRemotingClient) and prints the
 * response as one JSON line: {"ok":true,"code":N,"remark":"...","opaque":N,"flag":N,"language":"..",
 * "version":N,"serializeType":"JSON|ROCKETMQ","extFields":{...}}.
 * Usage: RemotingCall --addr HOST:PORT --code N [--oneway] [--timeout-ms 3000]
 * The header encoding follows -Drocketmq.serialize.type (JSON by default, or ROCKETMQ).
 */
public final class RemotingCall {
  public static void main(String[] argv) throws Exception {
    String addr = null;
    int code = 0;
    boolean oneway = false;
    long timeout = 3000;
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--addr": addr = argv[++i]; break;
        case "--code": code = Integer.parseInt(argv[++i]); break;
        case "--oneway": oneway = true; break;
        case "--timeout-ms": timeout = Long.parseLong(argv[++i]); break;
        default: throw new IllegalArgumentException("unknown option " + argv[i]);
      }
    }
    NettyRemotingClient client = new NettyRemotingClient(new NettyClientConfig());
    client.start();
    int exit = 0;
    try {
      RemotingCommand req = RemotingCommand.createRequestCommand(code, null);
      if (oneway) {
        client.invokeOneway(addr, req, timeout);
        Thread.sleep(300);
        System.out.println("{\"ok\":true,\"oneway\":true}");
      } else {
        RemotingCommand resp = client.invokeSync(addr, req, timeout);
        StringBuilder sb = new StringBuilder();
        sb.append("{\"ok\":true,\"code\":").append(resp.getCode())
          .append(",\"remark\":").append(quote(resp.getRemark()))
          .append(",\"opaque\":").append(resp.getOpaque())
          .append(",\"requestOpaque\":").append(req.getOpaque())
          .append(",\"flag\":").append(resp.getFlag())
          .append(",\"language\":").append(quote(String.valueOf(resp.getLanguage())))
          .append(",\"version\":").append(resp.getVersion())
          .append(",\"serializeType\":").append(quote(String.valueOf(resp.getSerializeTypeCurrentRPC())))
          .append(",\"extFields\":{");
        HashMap<String, String> ext = resp.getExtFields();
        if (ext != null) {
          boolean first = true;
          for (java.util.Map.Entry<String, String> e : ext.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            sb.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
          }
        }
        sb.append("}}");
        System.out.println(sb);
      }
    } catch (Exception e) {
      System.out.println("{\"ok\":false,\"error\":" + quote(e.toString()) + "}");
      exit = 1;
    } finally {
      client.shutdown();
    }
    System.exit(exit);
  }

  private static String quote(String s) {
    if (s == null) return "null";
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"').toString();
  }
}
