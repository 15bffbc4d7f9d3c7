; corpus/equivalent/i386-irq_disable-cli.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x41 (bvsub ESP (_ bv4 32))))
(let ((?x64 (bvadd ?x41 (_ bv4 32))))
(let (($x143 (and (distinct ?x64 ESP) true)))
(let (($x45 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x145 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x44 (= TF (_ bv0 1))))
(let (($x19 (= VM (_ bv0 1))))
(let (($x78 (= DF (_ bv0 1))))
(and $x78 $x19 $x44 $x145 (or $x45 $x143)))))))))))
(check-sat)
