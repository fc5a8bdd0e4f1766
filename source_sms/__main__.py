from source_sms.run import run

run()
