# Flask (Debian: apt-get install python3-flask):
#   ./uwsgi4j --http-socket :8080 --wsgi-file examples/python/flask_app.py --callable app --master --processes 2
#   curl localhost:8080/hello/you ; curl -d 'text=hi' localhost:8080/shout
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/hello/<name>")
def hello(name):
    return jsonify(greeting="hello " + name)


@app.route("/shout", methods=["POST"])
def shout():
    return request.form.get("text", "").upper() + "!\n"
