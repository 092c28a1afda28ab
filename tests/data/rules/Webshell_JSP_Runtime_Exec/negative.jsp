<%@ page import="java.util.*" %>
<%
  String user = request.getParameter("user");
  out.println("Hello " + user);
%>
