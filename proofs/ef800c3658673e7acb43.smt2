; corpus/equivalent/i386-irq_disable-cli.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x85 (bvsub ESP (_ bv4 32))))
(let ((?x10 (bvadd ?x85 (_ bv4 32))))
(let (($x27 (and (distinct ?x10 ESP) true)))
(let (($x72 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x112 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x19 (= TF (_ bv0 1))))
(let (($x36 (= VM (_ bv0 1))))
(let (($x177 (= DF (_ bv0 1))))
(and $x177 $x36 $x19 $x112 (or $x72 $x27)))))))))))
(check-sat)
