# PythonIT: a small Flask app (Debian's python3-flask): a form POST and JSON.
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/hello/<name>")
def hello(name):
    return jsonify(greeting="hello " + name, args=request.args.to_dict())


@app.route("/form", methods=["POST"])
def form():
    return "name=%s, n=%d" % (request.form["name"], int(request.form["n"]) * 2)


@app.route("/json", methods=["POST"])
def echo_json():
    data = request.get_json()
    return jsonify(sum=sum(data["numbers"]), count=len(data["numbers"]))
