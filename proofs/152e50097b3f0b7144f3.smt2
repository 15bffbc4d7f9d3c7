; corpus/history/2.6.22-i386/2.6.22-i386-pae-pte_val-nop.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x242 (bvsub ESP (_ bv4 32))))
(let ((?x245 (bvadd ?x242 (_ bv4 32))))
(let (($x792 (and (distinct ?x245 ESP) true)))
(let (($x252 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x345 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x171 (= TF (_ bv0 1))))
(let (($x355 (= VM (_ bv0 1))))
(let (($x574 (= DF (_ bv0 1))))
(and $x574 $x355 $x171 $x345 (or $x252 $x792)))))))))))
(check-sat)
