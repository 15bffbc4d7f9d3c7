; corpus/history/2.6.22-i386/2.6.22-i386-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x375 (bvsub ESP (_ bv4 32))))
(let ((?x96 (bvadd ?x375 (_ bv4 32))))
(let (($x19 (and (distinct ?x96 ESP) true)))
(let (($x176 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x131 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x540 (= TF (_ bv0 1))))
(let (($x200 (= VM (_ bv0 1))))
(let (($x694 (= DF (_ bv0 1))))
(and $x694 $x200 $x540 $x131 (or $x176 $x19)))))))))))
(check-sat)
