GREETING = {"message": "Hello World"}
